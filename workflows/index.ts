// The workflows the worker registers (this module is what gets bundled).
export { cycleWorkflow } from './cycle';
export { agreementWorkflow } from './agreement';
export { calendarChangeWorkflow } from './calendar-change';
export { officialChangeWorkflow } from './official-change';
