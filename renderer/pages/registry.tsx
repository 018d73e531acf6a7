// The pages of the app, in menu order. Each page is its own folder (index.tsx + i18n.ts)
// and is loaded on first visit.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import {
  AppstoreOutlined,
  BarChartOutlined,
  DashboardOutlined,
  DollarOutlined,
  ShoppingCartOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
  ApartmentOutlined,
  AccountBookOutlined,
  CloudSyncOutlined,
} from '@ant-design/icons';

export interface PageProps {
  /** Route segments after the page key: #/customers/ID → ['ID']. */
  params: string[];
}

export interface PageDef {
  key: string;
  icon: ComponentType;
  component: LazyExoticComponent<ComponentType<PageProps>>;
  /** Shown on an agent's device too (its own team's customers, orders, agents, statements). */
  agent?: true;
}

export const pages: PageDef[] = [
  { key: 'dashboard', icon: DashboardOutlined, component: lazy(() => import('./dashboard')) },
  {
    key: 'customers',
    agent: true,
    icon: UserOutlined,
    component: lazy(() => import('./customers')),
  },
  { key: 'groups', icon: TeamOutlined, component: lazy(() => import('./groups')) },
  {
    key: 'products',
    agent: true,
    icon: AppstoreOutlined,
    component: lazy(() => import('./products')),
  },
  {
    key: 'orders',
    agent: true,
    icon: ShoppingCartOutlined,
    component: lazy(() => import('./orders')),
  },
  {
    key: 'agents',
    agent: true,
    icon: ApartmentOutlined,
    component: lazy(() => import('./agents')),
  },
  {
    key: 'settlements',
    agent: true,
    icon: DollarOutlined,
    component: lazy(() => import('./settlements')),
  },
  { key: 'expenses', icon: AccountBookOutlined, component: lazy(() => import('./expenses')) },
  { key: 'reports', icon: BarChartOutlined, component: lazy(() => import('./reports')) },
  {
    key: 'sync',
    agent: true,
    icon: CloudSyncOutlined,
    component: lazy(() => import('./sync')),
  },
  { key: 'settings', icon: SettingOutlined, component: lazy(() => import('./settings')) },
];

/** The pages this device shows: an agent's device leaves out the owner's books and settings. */
export const pagesFor = (role: 'owner' | 'agent' | undefined): PageDef[] =>
  role === 'agent' ? pages.filter((p) => p.agent === true) : pages;

export const Welcome = lazy(() => import('./welcome')) as LazyExoticComponent<
  ComponentType<PageProps>
>;
