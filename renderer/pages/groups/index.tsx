// Groups and group-buys: #/groups (groups), #/groups/ID (a group's members),
// #/groups/campaign (campaigns) and #/groups/campaign/ID (one campaign).
import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PageProps } from '../registry';
import { navigate } from '../../app/router';
import { CampaignsTab } from './CampaignsTab';
import { GroupsTab } from './GroupsTab';

export default function GroupsPage({ params }: PageProps) {
  const { t } = useTranslation('groups');
  const onCampaigns = params[0] === 'campaign';
  return (
    <div data-testid="groups-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Tabs
        activeKey={onCampaigns ? 'campaigns' : 'groups'}
        onChange={(k) => (k === 'campaigns' ? navigate('groups', 'campaign') : navigate('groups'))}
        items={[
          {
            key: 'groups',
            label: t('groups'),
            children: onCampaigns ? null : <GroupsTab openId={params[0]} />,
          },
          {
            key: 'campaigns',
            label: <span data-testid="tab-campaigns">{t('campaigns')}</span>,
            children: onCampaigns ? <CampaignsTab openId={params[1]} /> : null,
          },
        ]}
      />
    </div>
  );
}
