// Agents: the downline tree (create, move by drag or dialog), an agent's detail page
// (#/agents/ID), the tiers, and the commission plans beside the compliance view.
import { useState } from 'react';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Spin,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import type { PageProps } from '../registry';
import { navigate } from '../../app/router';
import { useApi } from '../../api/hooks';
import { AgentTree } from './tree';
import {
  CreateAgentDialog,
  EditAgentDialog,
  MoveAgentDialog,
  type EditableAgent,
  type MoveTarget,
} from './dialogs';
import { AgentDetail } from './detail';
import { PlansPanel } from './plans';
import { TiersPanel } from './tiers';

export default function AgentsPage({ params }: PageProps) {
  const id = params[0];
  if (id) return <AgentDetail id={id} key={id} />;
  return <AgentsHome />;
}

function AgentsHome() {
  const { t } = useTranslation('agents');
  const [tab, setTab] = useState('tree');
  return (
    <div data-testid="agents-page">
      <Typography.Title level={3}>{t('title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'tree', label: t('tab.tree'), children: <DownlineTab /> },
          { key: 'plans', label: t('tab.plans'), children: <PlansPanel /> },
          { key: 'tiers', label: t('tab.tiers'), children: <TiersPanel /> },
        ]}
      />
    </div>
  );
}

function DownlineTab() {
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [moving, setMoving] = useState<MoveTarget | null>(null);
  const [editing, setEditing] = useState<EditableAgent | null>(null);
  return (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Card size="small">
          <AgentTree
            selected={selected}
            onSelect={setSelected}
            onCreate={() => setCreating(true)}
            onMove={(id, name, uplineId) => setMoving({ id, name, uplineId })}
          />
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <AgentSummary
          id={selected}
          onMove={(id, name) => setMoving({ id, name })}
          onEdit={setEditing}
          onCreateUnder={() => setCreating(true)}
        />
      </Col>
      <CreateAgentDialog
        open={creating}
        uplineId={selected}
        onClose={() => setCreating(false)}
        onCreated={(id) => {
          setCreating(false);
          setSelected(id);
        }}
      />
      <MoveAgentDialog target={moving} onClose={() => setMoving(null)} />
      <EditAgentDialog agent={editing} onClose={() => setEditing(null)} />
    </Row>
  );
}

function AgentSummary({
  id,
  onMove,
  onEdit,
  onCreateUnder,
}: {
  id: string | null;
  onMove: (id: string, name: string) => void;
  onEdit: (a: EditableAgent) => void;
  onCreateUnder: () => void;
}) {
  const { t } = useTranslation('agents');
  const agent = useApi('agent.get', { id: id ?? '' }, { enabled: id !== null });
  if (!id) {
    return (
      <Card size="small">
        <Empty description={t('pickInTree')} />
      </Card>
    );
  }
  const a = agent.data;
  if (!a || a.id !== id) return <Spin />;
  return (
    <Card
      size="small"
      title={a.name}
      data-testid="agent-summary"
      extra={
        <Button type="link" onClick={() => navigate('agents', a.id)} data-testid="open-agent">
          {t('openDetail')}
        </Button>
      }
    >
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'tier', label: t('field.tier'), children: <Tag>{t(`tier.${a.tier}`)}</Tag> },
          { key: 'status', label: t('field.status'), children: t(`status.${a.status}`) },
          { key: 'joined', label: t('field.joinedOn'), children: a.joinedOn },
          {
            key: 'upline',
            label: t('field.upline'),
            children: a.upline ? (
              <a onClick={() => navigate('agents', a.upline!.id)}>{a.upline.name}</a>
            ) : (
              t('topLevel')
            ),
          },
          { key: 'depth', label: t('level'), children: a.depth + 1 },
          { key: 'direct', label: t('directDownline'), children: a.directDownline },
          { key: 'team', label: t('teamSize'), children: a.teamSize },
          { key: 'phone', label: t('field.phone'), children: a.phone ?? '—' },
        ]}
      />
      <Space wrap style={{ marginTop: 12 }}>
        <Button onClick={onCreateUnder}>{t('newAgentUnder')}</Button>
        <Button onClick={() => onMove(a.id, a.name)} data-testid="move-agent">
          {t('moveEllipsis')}
        </Button>
        <Button onClick={() => onEdit(a)} data-testid="edit-agent">
          {t('editAgent')}
        </Button>
      </Space>
    </Card>
  );
}
