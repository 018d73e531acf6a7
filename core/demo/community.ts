// Where the demo seller sells: WeChat/QQ groups, Xiaohongshu and Douyin followings and
// offline pick-up points, with names like the real ones; and the 接龙 group-buys run in them.
import type { Platform } from '../../db/schema';
import type { Random } from './random';
import type { RefundableLine } from './refunds';
import { COMMUNITIES } from './people';

const COMPANIES = ['阿里园区', '华为基地', '网易大厦', '海康威视', '中心医院', '实验小学'];
const SCHOOLS = ['实验小学', '外国语学校', '第二中学', '育才小学', '星星幼儿园'];
const THEMES = ['水果', '零食', '好物', '生鲜', '茶友', '护肤'];

export interface DemoGroup {
  id: string;
  platform: Platform;
  name: string;
  /** Calendar index of the day it was started. */
  createdDay: number;
  /** Relative size: how many of the customers join it. */
  weight: number;
}

/** A group name in the style of its platform; `n` keeps names unique. */
export function groupName(r: Random, platform: Platform, n: number): string {
  switch (platform) {
    case 'wechat': {
      const style = r.int(0, 4);
      if (style === 0) return `${r.pick(COMMUNITIES)}团购${n}群`;
      if (style === 1) return `宝妈${r.pick(THEMES)}群${n}`;
      if (style === 2) return `${r.pick(COMMUNITIES)}邻里${r.pick(THEMES)}${n}群`;
      if (style === 3) return `${r.pick(COMPANIES)}福利群${n}`;
      return `${r.pick(THEMES)}接龙${n}群`;
    }
    case 'qq':
      return r.chance(0.5) ? `${r.pick(SCHOOLS)}家长团购群${n}` : `${r.pick(THEMES)}拼单QQ群${n}`;
    case 'xiaohongshu':
      return `小红书粉丝${n}群`;
    case 'douyin':
      return `抖音直播福利${n}群`;
    case 'offline':
      return `${r.pick(COMMUNITIES)}自提点${n}号`;
    default:
      return `其他渠道${n}`;
  }
}

const PLATFORMS: [Platform, number][] = [
  ['wechat', 70],
  ['qq', 12],
  ['xiaohongshu', 7],
  ['douyin', 6],
  ['offline', 5],
];

export function pickPlatform(r: Random): Platform {
  let x = r.float() * 100;
  for (const [p, w] of PLATFORMS) {
    if (x < w) return p;
    x -= w;
  }
  return 'wechat';
}

export interface DemoCampaign {
  index: number;
  id: string;
  name: string;
  group: number;
  startDay: number;
  endDay: number;
  /** Product indexes and their 接龙 prices. */
  products: number[];
  prices: number[];
  perBuyerLimit: number | null;
  participants: number;
  minParticipants: number;
  outcome: 'succeeded' | 'failed' | null;
  /** Orders of a failed campaign, to cancel or refund on the day it is decided. */
  failedOrders: FailedCampaignOrder[];
  /** Customers already in it (one 接龙 entry each). */
  joined: Set<number>;
}

export interface FailedCampaignOrder {
  orderSeq: number;
  orderId: string;
  orderNo: string;
  customer: number;
  /** The credited agent's index, or -1. */
  agent: number;
  paid: boolean;
  lines: RefundableLine[];
  shipping: number;
}

export function campaignName(productName: string, startDay: string, n: number): string {
  const short = productName.split(' ')[0]!;
  return `${Number(startDay.slice(5, 7))}月${Number(startDay.slice(8, 10))}日 ${short}接龙 第${n}期`;
}
