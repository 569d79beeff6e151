// The route table: every API route with its access rule. The app, the OpenAPI document and the
// authorization-matrix test all read it.
import type { ApiDeps } from '../deps';
import type { RouteDef } from '../route';
import { adminRoutes } from './admin';
import { agreementRoutes } from './agreements';
import { cycleRoutes } from './cycles';
import { documentRoutes } from './documents';
import { meRoutes } from './me';
import { pageRoutes } from './page';
import { positionRoutes } from './positions';
import { verificationRoutes } from './verification';
import { caRoutes } from './ca';
import { templateRoutes } from './templates';
import { treeRoutes } from './tree';
import { evidenceRoutes } from './evidence';
import { ratingRoutes } from './ratings';

export function apiRoutes(deps: ApiDeps): RouteDef[] {
  return [
    ...cycleRoutes(deps),
    ...agreementRoutes(deps),
    ...evidenceRoutes(deps),
    ...documentRoutes(deps),
    ...positionRoutes(deps),
    ...meRoutes(deps),
    ...adminRoutes(deps),
    ...templateRoutes(deps),
    ...treeRoutes(deps),
    ...ratingRoutes(deps),
    ...pageRoutes(deps),
    ...verificationRoutes(deps),
    ...caRoutes(deps),
  ];
}
