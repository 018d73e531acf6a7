// The downline as a tree: one agent.tree call (flat, depth-first rows) turned into nested nodes
// shown by antd's virtual Tree, so ~3,000 agents scroll smoothly. Drag an agent onto another
// to move it (with its subtree) under it; dropping between rows moves it beside them.
import { useEffect, useMemo, useRef, useState, type Key } from 'react';
import { Button, Empty, Input, Space, Spin, Tag, Tree, Typography } from 'antd';
import type { TreeDataNode, TreeProps } from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/hooks';
import type { Output } from '../../api/client';

type Row = Output<'agent.tree'>['rows'][number];

export interface TreeIndex {
  nodes: TreeDataNode[];
  byId: Map<string, Row>;
  parentOf: Map<string, string | null>;
}

export function buildTree(rows: Row[]): TreeIndex {
  const byId = new Map<string, Row>();
  const parentOf = new Map<string, string | null>();
  const roots: TreeDataNode[] = [];
  // Rows come depth-first: the open path from the root is a stack indexed by depth.
  const path: TreeDataNode[] = [];
  for (const r of rows) {
    byId.set(r.id, r);
    const node: TreeDataNode = { key: r.id, title: r.name, isLeaf: r.teamSize === 0 };
    path.length = r.depth;
    const parent = r.depth > 0 ? path[r.depth - 1] : undefined;
    if (parent) {
      (parent.children ??= []).push(node);
      parentOf.set(r.id, String(parent.key));
    } else {
      roots.push(node);
      parentOf.set(r.id, null);
    }
    path.push(node);
  }
  return { nodes: roots, byId, parentOf };
}

const STATUS_COLOR: Record<string, string> = { suspended: 'orange', left: 'default' };
const TIER_COLOR: Record<string, string> = { general: 'gold', level1: 'blue', level2: 'cyan' };

export function AgentTree({
  selected,
  onSelect,
  onMove,
  onCreate,
}: {
  selected: string | null;
  onSelect: (id: string | null) => void;
  onMove: (id: string, name: string, uplineId: string | null) => void;
  onCreate: () => void;
}) {
  const { t } = useTranslation('agents');
  const tree = useApi('agent.tree', {});
  const index = useMemo(() => buildTree(tree.data?.rows ?? []), [tree.data]);
  const [expanded, setExpanded] = useState<Key[] | null>(null);
  const [query, setQuery] = useState('');
  const ref = useRef<{ scrollTo: (o: { key: Key; align?: 'top' | 'auto' }) => void } | null>(null);

  // Top-level agents open at first; the user's choices after that. The selected agent is
  // always revealed (after a create or a move its new upline opens).
  const expandedKeys = useMemo(() => expanded ?? index.nodes.map((n) => n.key), [expanded, index]);
  useEffect(() => {
    if (!selected || !index.byId.has(selected)) return;
    const open = new Set(expandedKeys);
    let changed = false;
    for (let p = index.parentOf.get(selected); p; p = index.parentOf.get(p)) {
      if (!open.has(p)) {
        open.add(p);
        changed = true;
      }
    }
    if (changed || expanded === null) setExpanded([...open]);
  }, [selected, index, expandedKeys, expanded]);

  const find = (text: string) => {
    setQuery(text);
    const q = text.trim().toLowerCase();
    if (!q) return;
    const hit = [...index.byId.values()].find((r) => r.name.toLowerCase().includes(q));
    if (!hit) return;
    const open = new Set(expandedKeys);
    for (let p = index.parentOf.get(hit.id); p; p = index.parentOf.get(p)) open.add(p);
    setExpanded([...open]);
    onSelect(hit.id);
    setTimeout(() => ref.current?.scrollTo({ key: hit.id, align: 'top' }), 50);
  };

  const onDrop: TreeProps['onDrop'] = (info) => {
    const dragged = String(info.dragNode.key);
    const target = String(info.node.key);
    // Onto a row: under it. Between rows: beside it (under its upline).
    const uplineId = info.dropToGap ? (index.parentOf.get(target) ?? null) : target;
    const row = index.byId.get(dragged);
    if (!row || uplineId === (index.parentOf.get(dragged) ?? null)) return;
    onSelect(dragged);
    onMove(dragged, row.name, uplineId);
  };

  const titleRender = (node: TreeDataNode) => {
    const r = index.byId.get(String(node.key));
    if (!r) return null;
    const q = query.trim().toLowerCase();
    const hit = q !== '' && r.name.toLowerCase().includes(q);
    return (
      <span data-testid="agent-node" data-agent-id={r.id}>
        <Typography.Text mark={hit} strong={r.depth === 0}>
          {r.name}
        </Typography.Text>{' '}
        <Tag color={TIER_COLOR[r.tier]} style={{ marginInlineEnd: 4 }}>
          {t(`tier.${r.tier}`)}
        </Tag>
        {r.status !== 'active' && (
          <Tag color={STATUS_COLOR[r.status]}>{t(`status.${r.status}`)}</Tag>
        )}
        {r.teamSize > 0 && (
          <Typography.Text type="secondary" title={t('teamSize')}>
            ({r.teamSize})
          </Typography.Text>
        )}
      </span>
    );
  };

  return (
    <div>
      <Space style={{ marginBottom: 8 }} wrap>
        <Input.Search
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('findInTree')}
          onSearch={find}
          style={{ width: 240 }}
          data-testid="tree-search"
        />
        <Button type="primary" icon={<PlusOutlined />} onClick={onCreate} data-testid="new-agent">
          {selected ? t('newAgentUnder') : t('newAgent')}
        </Button>
        <Typography.Text type="secondary">
          {t('agentCount', { count: index.byId.size })}
        </Typography.Text>
      </Space>
      {tree.loading && !tree.data ? (
        <Spin />
      ) : index.nodes.length === 0 ? (
        <Empty description={t('noAgentsYet')} />
      ) : (
        <Tree
          ref={ref as never}
          data-testid="agent-tree"
          treeData={index.nodes}
          height={560}
          virtual
          blockNode
          showLine
          draggable={{ icon: false }}
          expandedKeys={expandedKeys}
          onExpand={(keys) => setExpanded(keys)}
          selectedKeys={selected ? [selected] : []}
          onSelect={(keys) => onSelect(keys.length ? String(keys[0]) : null)}
          onDrop={onDrop}
          titleRender={titleRender}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('dragHint')}
      </Typography.Paragraph>
    </div>
  );
}
