// The API contract: every method of the core, by name. The renderer, the CLI, browser mode
// and sync all reach the core through these names, validated by the dispatcher.
import { workspaceMethods } from '../workspace/methods';
import { customersMethods } from '../customers/methods';
import { groupsMethods } from '../groups/methods';
import { catalogMethods } from '../catalog/methods';
import { stockMethods } from '../stock/methods';
import { ordersMethods } from '../orders/methods';
import { campaignsMethods } from '../campaigns/methods';
import { expensesMethods } from '../expenses/methods';
import { figuresMethods } from '../figures/methods';
import { importsMethods } from '../imports/methods';
import { exportsMethods } from '../exports/methods';
import { personalDataMethods } from '../exports/personal-log';
import { demoMethods } from '../demo/methods';
import { agentsMethods } from '../agents/methods';
import { commissionsMethods } from '../commissions/methods';
import { complianceMethods } from '../compliance/methods';
import { syncMethods } from '../sync/methods';

export const methods = {
  ...workspaceMethods,
  ...customersMethods,
  ...groupsMethods,
  ...catalogMethods,
  ...stockMethods,
  ...ordersMethods,
  ...campaignsMethods,
  ...expensesMethods,
  ...figuresMethods,
  ...importsMethods,
  ...exportsMethods,
  ...personalDataMethods,
  ...demoMethods,
  ...agentsMethods,
  ...commissionsMethods,
  ...complianceMethods,
  ...syncMethods,
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
