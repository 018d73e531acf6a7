// Every page's words, one i18next namespace per page.
import { messages as dashboard } from './dashboard/i18n';
import { messages as customers } from './customers/i18n';
import { messages as groups } from './groups/i18n';
import { messages as products } from './products/i18n';
import { messages as orders } from './orders/i18n';
import { messages as agents } from './agents/i18n';
import { messages as settlements } from './settlements/i18n';
import { messages as expenses } from './expenses/i18n';
import { messages as reports } from './reports/i18n';
import { messages as settings } from './settings/i18n';
import { messages as welcome } from './welcome/i18n';
import { messages as sync } from './sync/i18n';

export const pageMessages: Record<
  string,
  { zh: Record<string, unknown>; en: Record<string, unknown> }
> = {
  dashboard,
  customers,
  groups,
  products,
  orders,
  agents,
  settlements,
  expenses,
  reports,
  settings,
  welcome,
  sync,
};
