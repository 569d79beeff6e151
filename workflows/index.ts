// The workflows the worker registers (this module is what gets bundled).
export { cycleWorkflow } from './cycle';
export { agreementV2 } from './agreement';
// PKs started before agreementV2 finish their year on the code they started with.
export { agreementWorkflow } from './legacy/agreement-v1';
export { calendarChangeWorkflow } from './calendar-change';
export { officialChangeWorkflow } from './official-change';
