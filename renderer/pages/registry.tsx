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
}

export const pages: PageDef[] = [
  { key: 'dashboard', icon: DashboardOutlined, component: lazy(() => import('./dashboard')) },
  { key: 'customers', icon: UserOutlined, component: lazy(() => import('./customers')) },
  { key: 'groups', icon: TeamOutlined, component: lazy(() => import('./groups')) },
  { key: 'products', icon: AppstoreOutlined, component: lazy(() => import('./products')) },
  { key: 'orders', icon: ShoppingCartOutlined, component: lazy(() => import('./orders')) },
  { key: 'agents', icon: ApartmentOutlined, component: lazy(() => import('./agents')) },
  { key: 'settlements', icon: DollarOutlined, component: lazy(() => import('./settlements')) },
  { key: 'expenses', icon: AccountBookOutlined, component: lazy(() => import('./expenses')) },
  { key: 'reports', icon: BarChartOutlined, component: lazy(() => import('./reports')) },
  { key: 'sync', icon: CloudSyncOutlined, component: lazy(() => import('./sync')) },
  { key: 'settings', icon: SettingOutlined, component: lazy(() => import('./settings')) },
];

export const Welcome = lazy(() => import('./welcome')) as LazyExoticComponent<
  ComponentType<PageProps>
>;
