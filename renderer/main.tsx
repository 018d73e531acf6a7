// The renderer's entry: i18n, Ant Design in the user's language, the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import './styles.css';
import './i18n';
import { App } from './app/App';
import { LongTaskProvider } from './components/LongTask';
import { PageErrorBoundary } from './components/PageErrorBoundary';

function Root() {
  const { i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  dayjs.locale(zh ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={zh ? zhCN : enUS}>
      <AntApp>
        <LongTaskProvider>
          {/* The last line of defence: the shell itself failed (the pages have their own). */}
          <PageErrorBoundary>
            <App />
          </PageErrorBoundary>
        </LongTaskProvider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
