// tandem's reusable view components: the HTML report uses them all, and the web UI's pages
// (campaign page, capacity calendar) import the same ones. Inputs are the JSON objects of
// `tandem check --json --series` (and of the server's API, which returns the same shapes).
export { UPlotChart, chartsSettled } from './charts/uplot-chart.js';
export { DemandCapacityChart } from './charts/demand-capacity-chart.js';
export { LeadTimeChart } from './charts/lead-time-chart.js';
export { UtilisationCalendar } from './charts/utilisation-calendar.js';
export { RangeBar } from './charts/range-bar.js';
export { Legend } from './charts/legend.js';
export { DataTable } from './charts/data-table.js';
export { VerdictBadge, StatusBadge } from './badges.js';
export { PromiseTable } from './promise-table.js';
export { ChecksTable, describeCheck } from './checks-table.js';
export { EconomicsPanel } from './economics-panel.js';
export { CampaignSection, orderedThroughput, promiseUnit } from './campaign-section.js';
export { CheckReport } from './check-report.js';
