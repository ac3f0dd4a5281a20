// Who does what in the process (docs/server.md, "Roles"): the UI shows an action only to the
// roles the server allows it to, and says who is waited for in words.

export const FUNCTIONS = ['marketing', 'operations', 'finance', 'service'];

export const FUNCTION_NAMES = {
  marketing: 'Marketing',
  operations: 'Operations',
  finance: 'Finance',
  service: 'Customer service',
  admin: 'Admin',
};

// What each function answers for when it confirms or signs off (the inputs whose change
// withdraws it).
export const FUNCTION_SCOPE = {
  marketing: 'lift, spend, window, discount, promises and claims',
  operations: 'capacity, shifts, planned changes, expansion, bookings and capabilities on the campaign\u2019s path',
  finance: 'budgets, spend, prices, costs and the economics',
  service: 'contact load from orders and returns, response promises',
};

export const STATES = ['draft', 'groundwork', 'transfer', 'approved', 'live', 'follow-up', 'closed'];

// Committed campaigns (process::IsCommitted): every other campaign's check simulates them too.
export const COMMITTED_STATES = new Set(['approved', 'live', 'follow-up', 'closed']);

export const STATE_NAMES = {
  draft: 'Draft',
  groundwork: 'Groundwork',
  transfer: 'Transfer',
  approved: 'Approved',
  live: 'Live',
  'follow-up': 'Follow-up',
  closed: 'Closed',
};

export const STATE_MEANINGS = {
  draft: 'marketing is shaping the idea; nobody has committed to anything',
  groundwork: 'each function confirms its inputs for the campaign\u2019s window',
  transfer: 'the promise check runs and each function signs off on its result',
  approved: 'signed off by all four functions and approved; the hand-over is ready',
  live: 'the campaign is running',
  'follow-up': 'its window has opened: the actuals are followed against the plan until the window has ended, the returns have matured and the review is written',
  closed: 'reviewed and closed',
};

export function roleName(role) {
  return FUNCTION_NAMES[role] ?? role;
}

export function functionList(functions) {
  const names = (functions ?? []).map(roleName);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export const can = {
  editCampaign: (role) => role === 'marketing' || role === 'admin',
  adopt: (role) => role === 'marketing' || role === 'admin' || role === 'operations',
  editBookings: (role) => role === 'operations' || role === 'admin',
  // Budget resources are finance's; the other resources, calendars and capabilities operations'.
  editResource: (role, resource) =>
    role === 'admin' || (resource?.kind === 'budget' ? role === 'finance' : role === 'operations'),
  editOperations: (role) => role === 'operations' || role === 'admin',
  // Only a function acts for itself (not even admin for another).
  actFor: (role, fn) => role === fn,
};
