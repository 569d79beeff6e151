// Activities are made by one factory from their dependencies, so tests pass real or fake ones
// without module mocking. Each group lives in its own file.
import type { ActivityDeps } from './deps';
import { createCalendarChangeActivities } from './calendar-change';
import { createEvaluationActivities } from './evaluation';
import { createFanOutActivities } from './fan-out';
import { createNotifyActivities } from './notify';
import { createOfficialChangeActivities } from './official-change';
import { createReleaseActivities } from './release';
import { createScheduleActivities } from './schedule';
import { createSigningActivities } from './signing';
import { createStoreActivities } from './store';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createFanOutActivities(deps),
    ...createStoreActivities(deps),
    ...createScheduleActivities(deps),
    ...createNotifyActivities(deps),
    ...createReleaseActivities(deps),
    ...createEvaluationActivities(deps),
    ...createSigningActivities(deps),
    ...createCalendarChangeActivities(deps),
    ...createOfficialChangeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
