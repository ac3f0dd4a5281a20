// Colours of the charts. Canvas charts cannot read CSS variables cheaply, so the palette lives
// here and styles/base.css repeats the few that the HTML uses (keep both in step). Series
// colours follow the Okabe-Ito palette (distinguishable with the common colour-vision
// deficiencies); every series also differs in line style or is named in the legend.
export const COLORS = {
  capacity: '#1f2328',        // solid step line
  baseline: '#6e7781',        // dashed: without the campaign
  campaign: '#0072b2',        // with the campaign (median)
  campaignBand: 'rgba(0, 114, 178, 0.18)',
  backlog: '#d55e00',
  backlogBand: 'rgba(213, 94, 0, 0.18)',
  window: 'rgba(230, 159, 0, 0.13)',  // the campaign window, shaded behind the series
  windowEdge: 'rgba(230, 159, 0, 0.9)',
  within: '#0072b2',          // lead-time bins within the promised bound
  beyond: '#d55e00',          // bins after the bound, and "later or never"
  bound: '#1f2328',
  grid: 'rgba(31, 35, 40, 0.08)',
  axis: '#57606a',
};

export const FONT = '12px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif';
