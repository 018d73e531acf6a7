// The fields each import understands, and which column of the seller's sheet feeds each one.
// Headers are matched by field name and by the words Chinese and English sheets commonly use
// (订单号, 下单时间, 商品编码, Order No ...); the seller's own mapping (--map field=Column) wins.
import { AppError, type FieldIssue } from '../api/errors';

export const IMPORT_KINDS = ['customers', 'products', 'orders'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface FieldDef {
  field: string;
  /** What the field holds, for the preview and `--help`. */
  about: string;
  /** Header words that mean this field (compared after normalising, see headerKey). */
  aliases: string[];
}

export interface KindFields {
  fields: FieldDef[];
  /** Each group needs at least one of its fields mapped to a column. */
  required: string[][];
}

const f = (field: string, about: string, ...aliases: string[]): FieldDef => ({
  field,
  about,
  aliases,
});

const PHONE = [
  '手机',
  '手机号',
  '手机号码',
  '电话',
  '电话号码',
  '联系电话',
  '联系方式',
  'phone',
  'mobile',
  'tel',
];
const SKU = [
  '商品编码',
  '商品编号',
  '商家编码',
  '规格编码',
  '货号',
  '编码',
  'sku',
  'product code',
  'item code',
];
const CATEGORY = ['分类', '商品分类', '类目', '类别', 'category'];

export const KIND_FIELDS: Record<ImportKind, KindFields> = {
  customers: {
    required: [['name']],
    fields: [
      f(
        'customer_ref',
        'your own customer number (keeps re-imports from duplicating)',
        '客户编号',
        '客户编码',
        '客户id',
        '会员编号',
        '编号',
        'customer ref',
        'customer id',
        'customer no',
        'ref',
        'external ref',
      ),
      f(
        'name',
        'name or nickname',
        '姓名',
        '客户',
        '客户名称',
        '客户姓名',
        '名称',
        '昵称',
        'name',
        'customer',
        'customer name',
      ),
      f('phone', 'phone number', ...PHONE),
      f('wechat_id', 'WeChat id', '微信', '微信号', 'wechat', 'wechat id', 'wx'),
      f('tags', 'tags, separated by commas or 、', '标签', 'tags', 'tag'),
      f('source', 'where the customer came from', '来源', '渠道', 'source', 'channel'),
      f('notes', 'notes', '备注', '说明', 'notes', 'note', 'remark', 'remarks'),
      f(
        'marketing_consent',
        'agreed to marketing (是/否)',
        '营销同意',
        '同意营销',
        '营销授权',
        '接收推广',
        'marketing consent',
        'consent',
        'marketing',
      ),
      f(
        'address',
        'shipping address',
        '地址',
        '收货地址',
        '详细地址',
        'address',
        'shipping address',
      ),
    ],
  },
  products: {
    required: [['sku'], ['name'], ['retail_price']],
    fields: [
      f('sku', 'product code (SKU)', ...SKU),
      f(
        'name',
        'product name',
        '商品名称',
        '商品名',
        '名称',
        '品名',
        '商品',
        '产品名称',
        'name',
        'product name',
        'product',
      ),
      f('category', 'category', ...CATEGORY),
      f('unit', 'unit (件, 盒, 斤...)', '单位', 'unit'),
      f('retail_price', 'retail price', '零售价', '售价', '价格', '单价', 'retail price', 'price'),
      f(
        'group_price',
        'group-buy price',
        '团购价',
        '拼团价',
        '团价',
        'group price',
        'group buy price',
      ),
      f(
        'low_stock_threshold',
        'low-stock warning level',
        '库存预警',
        '预警库存',
        '最低库存',
        '安全库存',
        'low stock threshold',
        'reorder level',
        'min stock',
      ),
      f(
        'cost',
        'unit cost of the opening stock',
        '成本',
        '成本价',
        '进价',
        '平均成本',
        '单位成本',
        'cost',
        'unit cost',
        'average cost',
      ),
      f(
        'opening_stock',
        'stock on hand to start with',
        '期初库存',
        '库存',
        '库存数量',
        '现有库存',
        'opening stock',
        'stock',
        'on hand',
      ),
    ],
  },
  orders: {
    required: [
      ['order_no'],
      ['ordered_at'],
      ['sku', 'product_name'],
      ['quantity'],
      ['unit_price', 'line_total'],
    ],
    fields: [
      f(
        'order_no',
        'order number (one order may span several rows)',
        '订单号',
        '订单编号',
        '订单id',
        '单号',
        'order no',
        'order number',
        'order id',
        'order',
      ),
      f(
        'ordered_at',
        'order date',
        '下单时间',
        '下单日期',
        '订单时间',
        '订单日期',
        '创建时间',
        '日期',
        'ordered at',
        'order date',
        'date',
        'created at',
      ),
      f(
        'paid_at',
        'payment date (defaults to the order date for paid orders)',
        '付款时间',
        '付款日期',
        '支付时间',
        '支付日期',
        'paid at',
        'paid on',
        'payment date',
      ),
      f(
        'status',
        'order status (已付款, 已发货, 已完成, 已取消, 待付款 ...)',
        '状态',
        '订单状态',
        '交易状态',
        'status',
        'order status',
      ),
      f(
        'customer_ref',
        'your customer number',
        '客户编号',
        '客户编码',
        '客户id',
        '会员编号',
        'customer ref',
        'customer id',
        'customer no',
      ),
      f(
        'customer_name',
        'customer name',
        '客户',
        '客户名称',
        '客户姓名',
        '姓名',
        '买家',
        '买家昵称',
        '收货人',
        'customer',
        'customer name',
        'buyer',
      ),
      f('customer_phone', 'customer phone', ...PHONE, 'customer phone'),
      f(
        'group',
        'the group the order came from',
        '群',
        '社群',
        '群名',
        '群名称',
        '客户群',
        '来源群',
        'group',
        'community',
        'group name',
      ),
      f(
        'agent_ref',
        'the agent credited',
        '代理',
        '代理编号',
        '代理人',
        'agent',
        'agent ref',
        'agent id',
      ),
      f('sku', 'product code (SKU)', ...SKU),
      f(
        'product_name',
        'product name',
        '商品名称',
        '商品名',
        '商品',
        '品名',
        '产品名称',
        'product',
        'product name',
        'item',
        'item name',
      ),
      f('category', 'product category (for new products)', ...CATEGORY),
      f('quantity', 'quantity', '数量', '购买数量', '件数', 'quantity', 'qty'),
      f('unit_price', 'unit price', '单价', '售价', '价格', '商品单价', 'unit price', 'price'),
      f(
        'line_total',
        'line amount (defaults to quantity x unit price)',
        '金额',
        '小计',
        '商品金额',
        '成交金额',
        '行金额',
        'line total',
        'amount',
        'subtotal',
        'line amount',
      ),
      f('unit_cost', 'unit cost', '成本', '成本价', '单位成本', '进价', 'unit cost', 'cost'),
      f(
        'line_cost',
        'line cost',
        '成本金额',
        '总成本',
        '成本小计',
        '成本合计',
        'line cost',
        'total cost',
        'cost amount',
      ),
      f(
        'line_profit',
        'line profit (cost = amount - profit when no cost is given)',
        '利润',
        '毛利',
        '毛利润',
        'line profit',
        'profit',
        'gross profit',
      ),
      f(
        'shipping_charged',
        'shipping charged to the customer',
        '运费',
        '邮费',
        '收取运费',
        'shipping',
        'shipping charged',
        'shipping fee',
        'postage',
      ),
      f(
        'fee_platform',
        'platform fee',
        '平台费',
        '平台佣金',
        '平台服务费',
        '技术服务费',
        'platform fee',
      ),
      f(
        'fee_payment',
        'payment fee',
        '手续费',
        '支付手续费',
        '交易手续费',
        '支付费',
        'payment fee',
        'transaction fee',
      ),
      f(
        'fee_shipping',
        'shipping cost paid by you',
        '快递费',
        '物流费',
        '运费成本',
        '发货运费',
        'shipping cost',
        'courier fee',
        'freight',
      ),
      f(
        'fee_packaging',
        'packaging cost',
        '包装费',
        '包材费',
        '打包费',
        'packaging',
        'packaging fee',
      ),
      f(
        'fee_other',
        'other order costs',
        '其他费用',
        '其它费用',
        '杂费',
        'other fee',
        'other fees',
      ),
    ],
  },
};

/** Header text compared loosely: full-width folded, lowercase, no spaces, _-.*: or (notes). */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, '')
    .replace(/[\s_\-.*:#]+/g, '');
}

/** field -> column header */
export type Mapping = Record<string, string>;

/** The column each field would read by default: its own name first, then the common words. */
export function suggestMapping(kind: ImportKind, columns: readonly string[]): Mapping {
  const byKey = new Map<string, string>();
  for (const c of columns) if (!byKey.has(headerKey(c))) byKey.set(headerKey(c), c);
  const taken = new Set<string>();
  const mapping: Mapping = {};
  // Two passes so an exact field name ("unit_cost") is never stolen by another field's alias.
  for (const pass of ['name', 'alias'] as const) {
    for (const def of KIND_FIELDS[kind].fields) {
      if (mapping[def.field]) continue;
      const keys = pass === 'name' ? [def.field] : def.aliases;
      for (const k of keys) {
        const column = byKey.get(headerKey(k));
        if (column !== undefined && !taken.has(column)) {
          mapping[def.field] = column;
          taken.add(column);
          break;
        }
      }
    }
  }
  return mapping;
}

/**
 * The mapping an import uses: the suggestion, overridden field by field by the seller's own
 * (an empty column name leaves the field out). Refuses unknown fields, columns the file does
 * not have, and required fields left without a column, naming `mapping.<field>` each time.
 */
export function resolveMapping(
  kind: ImportKind,
  columns: readonly string[],
  overrides: Readonly<Record<string, string>> = {},
): Mapping {
  const known = new Set(KIND_FIELDS[kind].fields.map((d) => d.field));
  const issues: FieldIssue[] = [];
  const mapping = suggestMapping(kind, columns);
  for (const [field, wanted] of Object.entries(overrides)) {
    if (!known.has(field)) {
      issues.push({
        path: `mapping.${field}`,
        message: `${kind} imports have no field "${field}"; fields: ${[...known].join(', ')}`,
      });
      continue;
    }
    if (wanted.trim() === '') {
      delete mapping[field];
      continue;
    }
    const column =
      columns.find((c) => c === wanted) ?? columns.find((c) => headerKey(c) === headerKey(wanted));
    if (column === undefined) {
      issues.push({
        path: `mapping.${field}`,
        message: `the file has no column "${wanted}"; its columns are: ${columns.join(', ')}`,
      });
      continue;
    }
    // The column now feeds this field only.
    for (const [other, c] of Object.entries(mapping))
      if (c === column && other !== field) delete mapping[other];
    mapping[field] = column;
  }
  for (const group of KIND_FIELDS[kind].required) {
    if (group.some((field) => mapping[field] !== undefined)) continue;
    issues.push({
      path: `mapping.${group[0]}`,
      message:
        `no column found for ${group.join(' or ')}; the file's columns are: ${columns.join(', ') || '(none)'}. ` +
        `Name one with --map ${group[0]}=Column.`,
    });
  }
  if (issues.length > 0) {
    throw new AppError(
      'VALIDATION',
      `The ${kind} file's columns do not fit: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return mapping;
}
