// Made-up customers who look like a community seller's: common surnames (and a few compound
// ones), given names, mobile numbers, WeChat ids, where they came from, tags and addresses.
import type { Random } from './random';
import { cumulative } from './random';

// Weighted roughly by how common each surname is.
const SURNAMES: [string, number][] = [
  ['王', 72],
  ['李', 70],
  ['张', 68],
  ['刘', 54],
  ['陈', 46],
  ['杨', 32],
  ['黄', 25],
  ['赵', 22],
  ['吴', 21],
  ['周', 20],
  ['徐', 15],
  ['孙', 14],
  ['马', 13],
  ['朱', 12],
  ['胡', 12],
  ['郭', 11],
  ['何', 11],
  ['高', 10],
  ['林', 10],
  ['罗', 9],
  ['郑', 9],
  ['梁', 8],
  ['谢', 7],
  ['宋', 7],
  ['唐', 6],
  ['许', 6],
  ['韩', 6],
  ['冯', 6],
  ['邓', 6],
  ['曹', 5],
  ['彭', 5],
  ['曾', 5],
  ['肖', 5],
  ['田', 5],
  ['董', 5],
  ['袁', 4],
  ['潘', 4],
  ['于', 4],
  ['蒋', 4],
  ['蔡', 4],
  ['余', 4],
  ['杜', 4],
  ['叶', 4],
  ['程', 3],
  ['苏', 3],
  ['魏', 3],
  ['吕', 3],
  ['丁', 3],
  ['任', 3],
  ['沈', 3],
  ['姚', 3],
  ['卢', 3],
  ['姜', 3],
  ['崔', 2],
  ['钟', 2],
  ['谭', 2],
  ['陆', 2],
  ['汪', 2],
  ['范', 2],
  ['金', 2],
  ['石', 2],
  ['廖', 2],
  ['贾', 2],
  ['夏', 2],
  ['韦', 2],
  ['付', 2],
  ['方', 2],
  ['白', 2],
  ['邹', 2],
  ['孟', 2],
  ['熊', 2],
  ['秦', 2],
  ['邱', 2],
  ['江', 2],
  ['尹', 2],
  ['薛', 2],
  ['单', 1],
  ['解', 1],
  ['欧阳', 1],
  ['司马', 1],
  ['上官', 1],
  ['诸葛', 1],
  ['东方', 1],
  ['慕容', 1],
];

const GIVEN_ONE = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '燕',
  '辉',
  '玲',
  '桂',
  '丹',
  '萍',
  '鹏',
  '华',
  '红',
  '玉',
  '飞',
  '斌',
  '宇',
  '浩',
  '凯',
  '晨',
  '琳',
  '婷',
  '雪',
  '倩',
  '颖',
  '璐',
  '欣',
  '悦',
  '航',
  '博',
  '峰',
  '雷',
];

const GIVEN_TWO = [
  '秀英',
  '桂英',
  '秀兰',
  '玉兰',
  '桂兰',
  '秀珍',
  '凤英',
  '建华',
  '建国',
  '建军',
  '志强',
  '志明',
  '海燕',
  '晓燕',
  '丽娟',
  '丽华',
  '春梅',
  '红梅',
  '小红',
  '小明',
  '晓东',
  '晓明',
  '海涛',
  '海波',
  '国强',
  '国华',
  '文静',
  '文杰',
  '思雨',
  '梓涵',
  '子涵',
  '欣怡',
  '雨欣',
  '可馨',
  '一诺',
  '浩然',
  '宇轩',
  '子轩',
  '梓轩',
  '俊杰',
  '嘉怡',
  '佳怡',
  '诗涵',
  '梦琪',
  '雨桐',
  '若曦',
  '晨曦',
  '紫萱',
  '振华',
  '德华',
  '玉梅',
  '翠花',
  '美玲',
  '丽萍',
  '淑芬',
  '慧敏',
  '永刚',
  '立新',
  '卫东',
  '红霞',
  '亚楠',
  '婉婷',
  '佳琪',
  '思琪',
  '家豪',
  '天宇',
  '明轩',
  '皓轩',
  '雅琴',
  '静怡',
  '书瑶',
  '安琪',
];

// Sellers often save a contact as a nickname or with a note: 'Lily王', '张姐', '刘阿姨(3栋)'.
const NICKNAME_SUFFIXES = ['姐', '哥', '阿姨', '叔', '老师', '宝妈'];

export const SOURCES: [string, number][] = [
  ['朋友推荐', 26],
  ['微信群', 22],
  ['老客户转介绍', 14],
  ['小红书', 12],
  ['抖音', 10],
  ['线下', 8],
  ['朋友圈', 6],
  ['快手', 2],
];

export const TAGS = [
  '老客户',
  'VIP',
  '宝妈',
  '上班族',
  '学生',
  '退休',
  '爱吃水果',
  '价格敏感',
  '团长推荐',
  '大客户',
  '自提',
  '送货上门',
  '爱喝茶',
  '护肤',
];

const NOTES = [
  '只要小果，不要大果',
  '周末才在家，工作日放快递柜',
  '不要放门口，打电话',
  '对芒果过敏',
  '喜欢甜一点的',
  '帮邻居一起下单',
  '公司团购联系人',
  '每月固定买米和油',
  '上次坏果已补发',
];

// Province, its cities, and each city's districts (enough variety for addresses to look real).
const REGIONS: [string, [string, string[]][]][] = [
  [
    '浙江省',
    [
      ['杭州市', ['西湖区', '拱墅区', '余杭区', '滨江区', '萧山区']],
      ['宁波市', ['海曙区', '鄞州区', '江北区']],
      ['温州市', ['鹿城区', '瓯海区']],
    ],
  ],
  [
    '江苏省',
    [
      ['南京市', ['鼓楼区', '玄武区', '江宁区']],
      ['苏州市', ['姑苏区', '吴中区', '工业园区']],
      ['无锡市', ['梁溪区', '滨湖区']],
    ],
  ],
  [
    '广东省',
    [
      ['广州市', ['天河区', '越秀区', '海珠区', '番禺区']],
      ['深圳市', ['南山区', '福田区', '宝安区', '龙岗区']],
      ['佛山市', ['禅城区', '南海区']],
    ],
  ],
  ['上海市', [['上海市', ['浦东新区', '徐汇区', '闵行区', '静安区', '杨浦区']]]],
  ['北京市', [['北京市', ['朝阳区', '海淀区', '丰台区', '通州区']]]],
  ['四川省', [['成都市', ['锦江区', '武侯区', '高新区', '双流区']]]],
  ['湖北省', [['武汉市', ['洪山区', '武昌区', '江汉区', '汉阳区']]]],
  [
    '山东省',
    [
      ['济南市', ['历下区', '槐荫区']],
      ['青岛市', ['市南区', '崂山区', '黄岛区']],
    ],
  ],
  [
    '福建省',
    [
      ['厦门市', ['思明区', '湖里区']],
      ['福州市', ['鼓楼区', '仓山区']],
    ],
  ],
  ['湖南省', [['长沙市', ['岳麓区', '芙蓉区', '天心区']]]],
];

const STREETS = [
  '文三路',
  '解放路',
  '人民路',
  '中山路',
  '建设路',
  '和平路',
  '新华路',
  '学院路',
  '长江路',
  '黄河路',
  '滨江大道',
  '世纪大道',
  '南京路',
  '公园路',
  '湖滨路',
  '科技路',
  '东风路',
  '青年路',
];

export const COMMUNITIES = [
  '阳光小区',
  '幸福家园',
  '金色港湾',
  '翠湖花园',
  '锦绣江南',
  '绿城桂花园',
  '万科城',
  '世纪花园',
  '滨江花园',
  '保利中央公园',
  '龙湖春江郦城',
  '融创御府',
  '中海国际社区',
  '碧水湾',
  '枫林晚',
  '星河湾',
  '西溪诚园',
  '和平里',
  '梧桐苑',
  '春晓苑',
  '丽景天成',
  '东方名苑',
  '紫金城',
  '香樟园',
];

export interface Person {
  name: string;
  phone: string;
  wechatId: string | null;
  source: string;
  region: string;
  detail: string;
}

const PHONE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '147',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '173',
  '175',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '198',
  '199',
];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class People {
  private readonly surnames = cumulative(SURNAMES.map(([, w]) => w));
  private readonly sources = cumulative(SOURCES.map(([, w]) => w));

  constructor(private readonly random: Random) {}

  name(): string {
    const r = this.random;
    const surname = SURNAMES[r.pickCumulative(this.surnames)]![0];
    const style = r.float();
    if (style < 0.05) return surname + r.pick(NICKNAME_SUFFIXES);
    if (style < 0.35) return surname + r.pick(GIVEN_ONE);
    return surname + r.pick(GIVEN_TWO);
  }

  /** A mainland mobile number: 1, then 3-9, then nine digits (stored without +86). */
  phone(): string {
    return this.random.pick(PHONE_PREFIXES) + this.random.digits(8);
  }

  wechatId(phone: string): string | null {
    const r = this.random;
    const style = r.float();
    if (style < 0.3) return null; // not everyone's WeChat id is known (only the nickname)
    if (style < 0.55) return phone; // WeChat ids are very often the phone number
    let id = 'wxid_';
    for (let i = 0; i < 10; i++) id += LETTERS[r.next() % LETTERS.length];
    if (style < 0.8) return id;
    let handle = '';
    for (let i = 0; i < 6; i++) handle += LETTERS[r.next() % 26];
    return `${handle}_${r.int(1970, 2005)}`;
  }

  source(): string {
    return SOURCES[this.random.pickCumulative(this.sources)]![0];
  }

  address(): { region: string; detail: string } {
    const r = this.random;
    const [province, cities] = r.pick(REGIONS);
    const [city, districts] = r.pick(cities);
    const district = r.pick(districts);
    const region = province === city ? `${city}${district}` : `${province}${city}${district}`;
    const detail = r.chance(0.6)
      ? `${r.pick(STREETS)}${r.int(1, 999)}号${r.pick(COMMUNITIES)}${r.int(1, 30)}栋${r.int(1, 3)}单元${r.int(1, 33)}0${r.int(1, 4)}`
      : `${r.pick(STREETS)}${r.int(1, 999)}号${r.int(1, 20)}幢${r.int(101, 2802)}室`;
    return { region, detail };
  }

  tags(): string[] {
    const r = this.random;
    const n = r.float() < 0.45 ? 0 : r.float() < 0.7 ? 1 : r.int(2, 3);
    return r.sample(TAGS, n);
  }

  note(): string | null {
    return this.random.chance(0.04) ? this.random.pick(NOTES) : null;
  }
}
