/**
 * Who the demo shop's customers are: names (with pinyin for email addresses), cities and time
 * zones, phone formats, devices. Email domains use the reserved `.example` TLD (RFC 2606) so a
 * demo workspace can never mail a real inbox by accident.
 */
import type { Rng } from '../ml/rng.js';

/** [character(s), pinyin] */
type Hanzi = readonly [string, string];

export const SURNAMES: readonly Hanzi[] = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'], ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'],
  ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'], ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['高', 'gao'], ['林', 'lin'], ['罗', 'luo'],
  ['郑', 'zheng'], ['梁', 'liang'], ['谢', 'xie'], ['宋', 'song'], ['唐', 'tang'], ['许', 'xu'], ['韩', 'han'], ['冯', 'feng'], ['邓', 'deng'], ['曹', 'cao'],
  ['彭', 'peng'], ['曾', 'zeng'], ['肖', 'xiao'], ['田', 'tian'], ['董', 'dong'], ['袁', 'yuan'], ['潘', 'pan'], ['于', 'yu'], ['蒋', 'jiang'], ['蔡', 'cai'],
  ['余', 'yu'], ['杜', 'du'], ['叶', 'ye'], ['程', 'cheng'], ['苏', 'su'], ['魏', 'wei'], ['吕', 'lv'], ['丁', 'ding'], ['任', 'ren'], ['沈', 'shen'],
  ['姚', 'yao'], ['卢', 'lu'], ['姜', 'jiang'], ['崔', 'cui'], ['钟', 'zhong'], ['谭', 'tan'], ['陆', 'lu'], ['汪', 'wang'], ['范', 'fan'], ['金', 'jin'],
  ['石', 'shi'], ['廖', 'liao'], ['贾', 'jia'], ['夏', 'xia'], ['韦', 'wei'], ['方', 'fang'], ['白', 'bai'], ['邹', 'zou'], ['孟', 'meng'], ['熊', 'xiong'],
  ['秦', 'qin'], ['邱', 'qiu'], ['江', 'jiang'], ['尹', 'yin'], ['薛', 'xue'], ['段', 'duan'], ['雷', 'lei'], ['侯', 'hou'], ['龙', 'long'], ['欧阳', 'ouyang'],
];
/** Common surnames are far more common: weight 1/(rank+1)^0.7. */
export const SURNAME_WEIGHTS: readonly number[] = SURNAMES.map((_, i) => 1 / Math.pow(i + 1, 0.7));

export const GIVEN_FEMALE: readonly Hanzi[] = [
  ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['艳', 'yan'], ['婷', 'ting'], ['雪', 'xue'], ['琳', 'lin'], ['佳', 'jia'],
  ['慧', 'hui'], ['晶', 'jing'], ['颖', 'ying'], ['欣', 'xin'], ['悦', 'yue'], ['怡', 'yi'], ['萱', 'xuan'], ['雅', 'ya'], ['倩', 'qian'], ['梦', 'meng'],
  ['诗', 'shi'], ['涵', 'han'], ['琪', 'qi'], ['露', 'lu'], ['晓', 'xiao'], ['月', 'yue'], ['玲', 'ling'], ['薇', 'wei'], ['婉', 'wan'], ['妍', 'yan'],
];
export const GIVEN_MALE: readonly Hanzi[] = [
  ['伟', 'wei'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'], ['勇', 'yong'], ['杰', 'jie'], ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'],
  ['浩', 'hao'], ['宇', 'yu'], ['鹏', 'peng'], ['辉', 'hui'], ['斌', 'bin'], ['俊', 'jun'], ['博', 'bo'], ['文', 'wen'], ['凯', 'kai'], ['睿', 'rui'],
  ['航', 'hang'], ['哲', 'zhe'], ['轩', 'xuan'], ['晨', 'chen'], ['阳', 'yang'], ['峰', 'feng'], ['鑫', 'xin'], ['毅', 'yi'], ['然', 'ran'], ['子', 'zi'],
];

export const FIRST_FEMALE: readonly string[] = ['Emma', 'Olivia', 'Sophia', 'Ava', 'Isabella', 'Mia', 'Charlotte', 'Amelia', 'Harper', 'Evelyn', 'Emily', 'Grace', 'Chloe', 'Lily', 'Hannah', 'Zoe', 'Sarah', 'Jessica', 'Lauren', 'Rachel', 'Megan', 'Katie', 'Anna', 'Ella', 'Lucy', 'Priya', 'Aisha', 'Sofia', 'Nina', 'Claire'];
export const FIRST_MALE: readonly string[] = ['James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas', 'Daniel', 'Matthew', 'Andrew', 'Ryan', 'Jack', 'Oliver', 'Harry', 'George', 'Noah', 'Liam', 'Ethan', 'Lucas', 'Benjamin', 'Samuel', 'Henry', 'Leo', 'Arjun', 'Omar', 'Mateo', 'Kevin', 'Jason'];
export const LAST_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Anderson', 'Thomas', 'Moore', 'Martin', 'Jackson',
  'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Hall', 'Allen', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson',
  'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Evans', 'Turner', 'Parker', 'Collins', 'Edwards', 'Murphy', 'Cook', 'Morgan', 'Cooper',
  'Patel', 'Khan', 'Nguyen', 'Kim', 'Lee', 'Wong', 'Chan', 'Schmidt', "O'Brien", 'Rossi',
];

export interface City {
  /** The city as the customer writes it (Chinese for zh customers). */
  name: string;
  country: string;
  timezone: string;
  locale: string;
  /** Telephone area code where the country uses one in the number we print. */
  area?: string;
  weight: number;
}

const city = (name: string, country: string, timezone: string, locale: string, weight: number, area?: string): City => (area ? { name, country, timezone, locale, area, weight } : { name, country, timezone, locale, weight });

export const ZH_CITIES: readonly City[] = [
  city('上海', 'CN', 'Asia/Shanghai', 'zh-CN', 12), city('北京', 'CN', 'Asia/Shanghai', 'zh-CN', 11), city('广州', 'CN', 'Asia/Shanghai', 'zh-CN', 8),
  city('深圳', 'CN', 'Asia/Shanghai', 'zh-CN', 8), city('杭州', 'CN', 'Asia/Shanghai', 'zh-CN', 7), city('成都', 'CN', 'Asia/Shanghai', 'zh-CN', 6),
  city('武汉', 'CN', 'Asia/Shanghai', 'zh-CN', 5), city('南京', 'CN', 'Asia/Shanghai', 'zh-CN', 5), city('西安', 'CN', 'Asia/Shanghai', 'zh-CN', 4),
  city('重庆', 'CN', 'Asia/Shanghai', 'zh-CN', 4), city('苏州', 'CN', 'Asia/Shanghai', 'zh-CN', 4), city('天津', 'CN', 'Asia/Shanghai', 'zh-CN', 3),
  city('长沙', 'CN', 'Asia/Shanghai', 'zh-CN', 3), city('厦门', 'CN', 'Asia/Shanghai', 'zh-CN', 2), city('青岛', 'CN', 'Asia/Shanghai', 'zh-CN', 2),
  city('郑州', 'CN', 'Asia/Shanghai', 'zh-CN', 2), city('昆明', 'CN', 'Asia/Shanghai', 'zh-CN', 1.5), city('沈阳', 'CN', 'Asia/Shanghai', 'zh-CN', 1.5),
  city('香港', 'HK', 'Asia/Hong_Kong', 'zh-HK', 2), city('台北', 'TW', 'Asia/Taipei', 'zh-TW', 1.5), city('新加坡', 'SG', 'Asia/Singapore', 'zh-SG', 1.5),
  city('温哥华', 'CA', 'America/Vancouver', 'zh-CN', 0.8, '604'), city('悉尼', 'AU', 'Australia/Sydney', 'zh-CN', 0.7),
];

export const EN_CITIES: readonly City[] = [
  city('New York', 'US', 'America/New_York', 'en-US', 8, '212'), city('Los Angeles', 'US', 'America/Los_Angeles', 'en-US', 6, '310'),
  city('San Francisco', 'US', 'America/Los_Angeles', 'en-US', 5, '415'), city('Seattle', 'US', 'America/Los_Angeles', 'en-US', 3, '206'),
  city('Chicago', 'US', 'America/Chicago', 'en-US', 4, '312'), city('Austin', 'US', 'America/Chicago', 'en-US', 2, '512'),
  city('Boston', 'US', 'America/New_York', 'en-US', 3, '617'), city('London', 'GB', 'Europe/London', 'en-GB', 8), city('Manchester', 'GB', 'Europe/London', 'en-GB', 2),
  city('Toronto', 'CA', 'America/Toronto', 'en-CA', 3, '416'), city('Vancouver', 'CA', 'America/Vancouver', 'en-CA', 2, '604'),
  city('Sydney', 'AU', 'Australia/Sydney', 'en-AU', 3), city('Melbourne', 'AU', 'Australia/Melbourne', 'en-AU', 2), city('Singapore', 'SG', 'Asia/Singapore', 'en-SG', 4),
  city('Berlin', 'DE', 'Europe/Berlin', 'en-DE', 1.5), city('Dublin', 'IE', 'Europe/Dublin', 'en-IE', 1.5), city('Hong Kong', 'HK', 'Asia/Hong_Kong', 'en-HK', 2),
  city('Shanghai', 'CN', 'Asia/Shanghai', 'en-US', 2),
];

/** Standard UTC offsets in minutes, used only if the runtime lacks time-zone data. */
export const FALLBACK_OFFSETS: Record<string, number> = {
  'Asia/Shanghai': 480, 'Asia/Hong_Kong': 480, 'Asia/Taipei': 480, 'Asia/Singapore': 480, 'Australia/Sydney': 600, 'Australia/Melbourne': 600,
  'America/Vancouver': -480, 'America/Los_Angeles': -480, 'America/Chicago': -360, 'America/New_York': -300, 'America/Toronto': -300,
  'Europe/London': 0, 'Europe/Dublin': 0, 'Europe/Berlin': 60,
};

export const EMAIL_DOMAINS = {
  zh: ['qq.example', 'qq.example', '163.example', '126.example', 'foxmail.example', 'sina.example', 'gmail.example'],
  en: ['gmail.example', 'gmail.example', 'outlook.example', 'yahoo.example', 'icloud.example', 'hotmail.example'],
} as const;

/** A distinct number in [0, modulus) for every customer index below modulus (7919 is coprime to 2 and 5). */
export function uniqueNumber(index: number, modulus: number): number {
  return (index * 7919 + 1_234_567) % modulus;
}

const digits = (n: number, width: number): string => String(n).padStart(width, '0');

/** A phone number in the country's usual written form, unique per customer index. */
export function phoneFor(country: string, area: string | undefined, index: number, rng: Rng): string {
  switch (country) {
    case 'CN': {
      const d = digits(uniqueNumber(index, 100_000_000), 8);
      return `+86 1${rng.pick(['38', '39', '58', '59', '86', '88', '35', '36', '37', '50', '51', '52', '87', '89', '77', '80', '81', '82', '83', '85', '91', '98', '99'])} ${d.slice(0, 4)} ${d.slice(4)}`;
    }
    case 'US':
    case 'CA': {
      // Exchange 200–999 and a four-digit line from one injective number below 8·10⁶.
      const u = uniqueNumber(index, 8_000_000);
      return `+1 (${area ?? '555'}) ${200 + Math.floor(u / 10_000)}-${digits(u % 10_000, 4)}`;
    }
    case 'GB': {
      const d = digits(uniqueNumber(index, 1_000_000_000), 9);
      return `+44 7${d.slice(0, 3)} ${d.slice(3)}`;
    }
    case 'HK':
      return `+852 9${digits(uniqueNumber(index, 10_000_000), 7).replace(/^(\d{3})/, '$1 ')}`;
    case 'TW': {
      const d = digits(uniqueNumber(index, 100_000_000), 8);
      return `+886 9${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5)}`;
    }
    case 'SG':
      return `+65 8${digits(uniqueNumber(index, 10_000_000), 7).replace(/^(\d{3})/, '$1 ')}`;
    case 'AU': {
      const d = digits(uniqueNumber(index, 100_000_000), 8);
      return `+61 4${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5)}`;
    }
    case 'DE':
      return `+49 15${rng.int(1, 8)} ${digits(uniqueNumber(index, 100_000_000), 8)}`;
    case 'IE':
      return `+353 87 ${digits(uniqueNumber(index, 10_000_000), 7).replace(/^(\d{3})/, '$1 ')}`;
    default:
      return `+1 (555) ${200 + Math.floor(uniqueNumber(index, 8_000_000) / 10_000)}-${digits(uniqueNumber(index, 8_000_000) % 10_000, 4)}`;
  }
}

export interface Device {
  userAgent: string;
  kind: 'mobile' | 'desktop' | 'tablet';
}

const device = (userAgent: string, kind: Device['kind']): Device => ({ userAgent, kind });

export const DEVICES = {
  zh: [
    device('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003129) NetType/WIFI Language/zh_CN', 'mobile'),
    device('Mozilla/5.0 (Linux; Android 14; 24031PN0DC Build/UKQ1.231003.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.0.0 Mobile Safari/537.36 XiaoMi/MiuiBrowser/18.5', 'mobile'),
    device('Mozilla/5.0 (Linux; Android 12; HarmonyOS; ALN-AL00) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.0.0 Mobile Safari/537.36 HuaweiBrowser/14.0.5', 'mobile'),
    device('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'mobile'),
    device('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0', 'desktop'),
    device('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 'desktop'),
    device('Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'tablet'),
  ],
  en: [
    device('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'mobile'),
    device('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', 'mobile'),
    device('Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', 'mobile'),
    device('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'desktop'),
    device('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'desktop'),
    device('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0', 'desktop'),
    device('Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'tablet'),
  ],
} as const;
export const DEVICE_WEIGHTS = { zh: [30, 18, 14, 14, 12, 7, 5], en: [30, 10, 10, 22, 15, 5, 8] } as const;

/** First octets of consumer ISP ranges per country, for plausible-looking client IPs. */
const IP_PREFIXES: Record<string, readonly number[]> = {
  CN: [36, 39, 58, 59, 60, 61, 101, 112, 113, 114, 117, 119, 120, 121, 123, 124, 125, 180, 182, 183, 218, 219, 220, 221, 222, 223],
  HK: [14, 42, 58, 112, 113, 119],
  TW: [1, 36, 59, 61, 111, 114, 118],
  SG: [116, 118, 175, 182],
  US: [24, 50, 67, 68, 71, 73, 76, 98, 107, 173, 174],
  CA: [24, 70, 99, 142, 174],
  GB: [81, 82, 86, 90, 92, 109],
  AU: [1, 49, 101, 110, 120],
  DE: [79, 84, 87, 91, 93],
  IE: [37, 46, 78, 86, 89],
};

export function ipFor(country: string, rng: Rng): string {
  const first = rng.pick(IP_PREFIXES[country] ?? [73]);
  return `${first}.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`;
}
