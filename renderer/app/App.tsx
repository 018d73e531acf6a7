// The window: menu on the left, the page, and a status bar with the store and sync state.
import { Suspense, useEffect, useState } from 'react';
import { Layout, Menu, Select, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pages, Welcome } from '../pages/registry';
import { navigate, useRoute } from './router';
import { useApi } from '../api/hooks';
import { bridge } from '../api/bridge';
import { setLanguage, type Lang } from '../i18n';
import type { AppInfo } from '../../core/host/bridge';

export function App() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  const workspace = useApi('workspace.get', {});
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    void bridge.appInfo().then(setInfo);
  }, []);

  if (workspace.loading && !workspace.data) return <Spin fullscreen />;
  if (workspace.data && !workspace.data.settings) {
    return (
      <Suspense fallback={<Spin fullscreen />}>
        <Welcome params={[]} />
      </Suspense>
    );
  }

  const key = route[0] ?? 'dashboard';
  const page = pages.find((p) => p.key === key) ?? pages[0]!;
  const Page = page.component;

  return (
    <Layout style={{ height: '100vh' }}>
      <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={56}>
        <div style={{ padding: '16px 16px 8px', fontWeight: 600 }}>{t('appName')}</div>
        <Menu
          mode="inline"
          selectedKeys={[page.key]}
          items={pages.map((p) => ({
            key: p.key,
            icon: <p.icon />,
            label: t(`nav.${p.key}`),
          }))}
          onClick={(e) => navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Content style={{ padding: 20, overflow: 'auto' }} data-page={page.key}>
          <Suspense fallback={<Spin />}>
            <Page params={route.slice(1)} />
          </Suspense>
        </Layout.Content>
        <Layout.Footer
          style={{ padding: '4px 16px', fontSize: 12, borderTop: '1px solid #eee' }}
          data-testid="status-bar"
        >
          <Space separator="·">
            <Typography.Text type="secondary">{workspace.data?.settings?.name}</Typography.Text>
            <Typography.Text type="secondary" title={info?.storeFile}>
              {t('store')}: {info?.storeFile}
            </Typography.Text>
            <Typography.Text type="secondary" data-testid="sync-status">
              {t('localOnly')}
            </Typography.Text>
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
          </Space>
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
