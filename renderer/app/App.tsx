// The window: menu on the left, the page, and a status bar with the store and sync state.
// First launch (an empty store) shows the welcome page; #/reports/print shows the printable
// report alone (Electron's main prints that route to PDF; the browser prints it itself).
// A page that fails to load or render shows a localized message with a reload button.
import { Suspense, useEffect, useState } from 'react';
import { Button, Layout, Menu, Result, Select, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pages, pagesFor, Welcome } from '../pages/registry';
import { navigate, useRoute } from './router';
import { useOnboarding } from './onboarding';
import { useApi } from '../api/hooks';
import { bridge, isBrowserMode } from '../api/bridge';
import { setLanguage, type Lang } from '../i18n';
import type { AppInfo } from '../../core/host/bridge';
import { SyncIndicator } from '../components/SyncIndicator';
import { PageErrorBoundary } from '../components/PageErrorBoundary';
import { StoreDamagedBanner } from '../components/StoreDamagedBanner';

function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      size="small"
      variant="borderless"
      aria-label={t('language')}
      data-testid="language"
      value={i18n.language as Lang}
      onChange={(v: Lang) => setLanguage(v)}
      options={[
        { value: 'zh', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}

export function App() {
  const { t } = useTranslation();
  const route = useRoute();
  const onboarding = useOnboarding();
  const workspace = useApi('workspace.get', {});
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [collapsed, setCollapsed] = useState(false);
  useEffect(() => {
    void bridge.appInfo().then(setInfo, () => setInfo(null));
  }, []);

  if (workspace.loading && !workspace.data) return <Spin fullscreen />;
  if (workspace.error && !workspace.data) {
    return (
      <>
        <StoreDamagedBanner />
        <Result
          status="error"
          title={t('failed')}
          subTitle={workspace.error.message}
          extra={<Button onClick={workspace.reload}>{t('retry')}</Button>}
        />
      </>
    );
  }
  const shown = pagesFor(workspace.data?.actor.role);
  const key = route[0] ?? shown[0]!.key;
  const page = pages.find((p) => p.key === key && shown.includes(p)) ?? shown[0]!;
  const Page = page.component;

  if (onboarding || (workspace.data && !workspace.data.settings)) {
    // A new device joining a cloud business (or as an agent) opens the sync page before it
    // has a business of its own.
    if (!onboarding && page.key === 'sync') {
      return (
        <div className="welcome-shell">
          <div className="welcome-lang no-print">
            <SyncIndicator /> <LanguageSelect />
          </div>
          <PageErrorBoundary resetKey={route.join('/')}>
            <Suspense fallback={<Spin fullscreen />}>
              <Page params={route.slice(1)} />
            </Suspense>
          </PageErrorBoundary>
        </div>
      );
    }
    return (
      <div className="welcome-shell">
        <div className="welcome-lang no-print">
          <LanguageSelect />
        </div>
        <PageErrorBoundary>
          <Suspense fallback={<Spin fullscreen />}>
            <Welcome params={[]} />
          </Suspense>
        </PageErrorBoundary>
      </div>
    );
  }

  if (page.key === 'reports' && route[1] === 'print') {
    return (
      <div className="print-shell" data-page="reports-print">
        <PageErrorBoundary resetKey={route.join('/')}>
          <Suspense fallback={<Spin />}>
            <Page params={route.slice(1)} />
          </Suspense>
        </PageErrorBoundary>
      </div>
    );
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={200}
        theme="light"
        breakpoint="lg"
        collapsedWidth={56}
        collapsed={collapsed}
        onCollapse={setCollapsed}
        className="app-sider"
      >
        <div className="app-brand" title={t('appName')}>
          {collapsed ? '群' : t('appName')}
        </div>
        <Menu
          mode="inline"
          selectedKeys={[page.key]}
          items={shown.map((p) => ({
            key: p.key,
            icon: <p.icon />,
            label: t(`nav.${p.key}`),
          }))}
          onClick={(e) => navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Content className="app-content" data-page={page.key}>
          <StoreDamagedBanner />
          <PageErrorBoundary resetKey={route.join('/')}>
            <Suspense fallback={<Spin />}>
              <Page key={page.key} params={route.slice(1)} />
            </Suspense>
          </PageErrorBoundary>
        </Layout.Content>
        <Layout.Footer className="status-bar no-print" data-testid="status-bar">
          <Space separator="·" wrap>
            <Typography.Text type="secondary" strong>
              {workspace.data?.settings?.name}
            </Typography.Text>
            <Typography.Text
              type="secondary"
              title={info?.storeFile}
              ellipsis
              style={{ maxWidth: 420 }}
              data-testid="store-file"
            >
              {t('store')}: {info?.storeFile}
            </Typography.Text>
            <SyncIndicator />
            {isBrowserMode ? (
              <Typography.Text type="secondary">{t('browserMode')}</Typography.Text>
            ) : null}
            <LanguageSelect />
          </Space>
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
