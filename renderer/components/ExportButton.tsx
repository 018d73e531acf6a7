// Runs an export method into a file the user gets: in Electron a native save dialog picks the
// file; in browser mode the host writes into its files folder and the browser downloads it.
// The work runs behind the LongTask modal (progress, Cancel).
//
//   <ExportButton
//     method="report.export"
//     fileName="pnl-2026-01"
//     input={(file) => ({ from, to, by, file })}
//   />
import type { ReactNode } from 'react';
import { App, Button, Dropdown, type ButtonProps } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type Input, type MethodName, type Output } from '../api/client';
import { bridge, downloadUrl, isBrowserMode, type BrowserAppInfo } from '../api/bridge';
import { useLongTask } from './LongTask';

export type ExportFileFormat = 'csv' | 'xlsx' | 'json' | 'pdf';

/** Methods whose input takes the target file. */
export type ExportMethod = {
  [K in MethodName]: Input<K> extends { file: string } ? K : never;
}[MethodName];

export interface ExportButtonProps<K extends ExportMethod> {
  method: K;
  /** The method's input for the chosen file. */
  input: (file: string) => Input<K>;
  /** The file name without extension ('pnl-2026-01'); the format's extension is added. */
  fileName: string;
  /** One format: a button; several: a button with a menu, one item per format. */
  formats?: ExportFileFormat[];
  label?: ReactNode;
  /** Called after the file is written (and, in browser mode, handed to the browser). */
  onDone?: (result: Output<K>, file: string) => void;
  buttonProps?: ButtonProps;
  'data-testid'?: string;
}

function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Hands a file in the browser-mode files folder to the browser as a download. */
export function downloadFile(file: string) {
  const a = document.createElement('a');
  a.href = downloadUrl(file);
  a.download = file.split(/[\\/]/).pop() ?? file;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * Where to write an export: a native save dialog in Electron (null when cancelled), the
 * host's files folder in browser mode.
 */
export async function chooseExportTarget(
  fileName: string,
  /** The file's extension: csv, xlsx, json, pdf, sqlite… */
  format: ExportFileFormat | (string & {}),
  title?: string,
): Promise<string | null> {
  const name = `${fileName}.${format}`;
  if (isBrowserMode) {
    const info = (await bridge.appInfo()) as BrowserAppInfo;
    const dir = info.filesDir ?? info.dataFolder;
    // A time stamp keeps two exports of the same report apart in the shared folder.
    return joinPath(dir, `${fileName}-${stamp()}.${format}`);
  }
  return bridge.chooseFile({
    mode: 'save',
    ...(title ? { title } : {}),
    defaultName: name,
    filters: [{ name: format.toUpperCase(), extensions: [format] }],
  });
}

export function ExportButton<K extends ExportMethod>({
  method,
  input,
  fileName,
  formats = ['csv', 'xlsx'],
  label,
  onDone,
  buttonProps,
  'data-testid': testId,
}: ExportButtonProps<K>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const longTask = useLongTask();

  const exportAs = async (format: ExportFileFormat) => {
    try {
      const file = await chooseExportTarget(fileName, format, t('exportDialog.title'));
      if (!file) return;
      const result = await longTask.run({
        title: t('exportDialog.running', { format: format.toUpperCase() }),
        task: (options) => api(method, input(file), options),
      });
      if (result === null) {
        void message.info(t('longTask.cancelled'));
        return;
      }
      if (isBrowserMode) downloadFile(file);
      void message.success(t('exportDialog.done', { file: file.split(/[\\/]/).pop() }));
      onDone?.(result, file);
    } catch (error) {
      void message.error(
        `${t('failed')}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  const text = label ?? t('export');
  if (formats.length === 1) {
    const only = formats[0]!;
    return (
      <Button
        icon={<DownloadOutlined />}
        {...buttonProps}
        loading={longTask.busy}
        data-testid={testId}
        onClick={() => void exportAs(only)}
      >
        {text} {only.toUpperCase()}
      </Button>
    );
  }
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: formats.map((f) => ({
          key: f,
          label: <span data-testid={testId ? `${testId}-${f}` : undefined}>{f.toUpperCase()}</span>,
        })),
        onClick: (e) => void exportAs(e.key as ExportFileFormat),
      }}
    >
      <Button
        icon={<DownloadOutlined />}
        {...buttonProps}
        loading={longTask.busy}
        data-testid={testId}
      >
        {text}
      </Button>
    </Dropdown>
  );
}
