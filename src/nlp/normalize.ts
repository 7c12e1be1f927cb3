/**
 * Text normalisation before tokenising: one spelling for what users type many ways, while
 * keeping the marks that carry sentiment (emoji, "!!!", "sooo") as signals rather than noise.
 *
 * - Full-width ASCII (U+FF01–FF5E) and the ideographic space fold to half-width (Unicode
 *   "Halfwidth and Fullwidth Forms" block; the offset 0xFEE0 is the block's defined mapping).
 * - CJK punctuation that has an ASCII twin (。、「」【】“”‘’…) folds to it, so "！！" and "!!" agree.
 * - Traditional characters fold to simplified through a small table of the commonest ones
 *   (table below): enough for Hong Kong / Taiwan customers writing 這個產品很好 to share
 *   features with 这个产品很好, without a full OpenCC dictionary.
 * - Runs of one repeated punctuation mark or letter are capped (default 3), not removed:
 *   "!!!!!!" → "!!!" and "soooooo" → "sooo" keep the emphasis while one spelling remains.
 * - Latin letters are lower-cased; whitespace runs become one space.
 */

/** Options for normalize; every field has a default. */
export interface NormalizeOptions {
  /** Fold the commonest traditional characters to simplified (default true). */
  simplify?: boolean;
  /** Lower-case (default true). */
  lowercase?: boolean;
  /** Longest run of one repeated character kept (default 3; 0 keeps every run). */
  maxRepeat?: number;
}

// Pairs "traditional simplified", chosen from the commonest characters in Traditional Chinese
// web text whose simplified form is unambiguous (one-to-many cases such as 著/着 are left out).
const TRAD_SIMP =
  '們们這这個个說说來来時时會会對对還还沒没國国過过後后裡里裏里麼么點点現现開开學学發发髮发經经當当從从問问嗎吗樣样間间見见長长讓让種种實实東东務务應应話话錢钱買买賣卖價价質质貨货電电網网號号車车門门機机關关係系與与為为爲为無无們们認认識识試试請请謝谢讀读寫写讚赞評评論论語语氣气體体處处員员買买單单費费雙双變变邊边員员園园圖图圓圆場场報报壞坏聲声業业豐丰麗丽樂乐歡欢愛爱態态總总戶户擇择換换據据掛挂損损擁拥樓楼橋桥機机權权歲岁歷历殺杀氣气漢汉潔洁滿满濕湿灣湾燈灯熱热爾尔牆墙獎奖獲获環环產产畫画異异療疗發发盡尽監监盤盘睏困確确禮礼穩稳筆笔節节簡简糧粮紅红約约級级紙纸細细終终組组結结給给絕绝統统絲丝綠绿線线練练縣县總总繼继續续罰罚聽听聯联職职腦脑興兴舊旧艦舰藝艺蘋苹處处號号術术衛卫裝装複复覺觉親亲觀观規规視视計计訂订記记設设許许訊讯診诊該该詳详誤误說说課课調调談谈請请講讲謝谢證证識识議议護护變变讓让豬猪貝贝負负貴贵買买費费資资賬账質质購购贈赠趕赶跡迹蹤踪車车軟软輕轻載载輸输辦办農农這这連连進进運运過过達达違违遞递遠远適适選选邊边郵邮醫医釋释針针銀银銷销鋪铺錯错錄录鍵键鐘钟鍾钟長长門门閉闭開开間间閱阅隊队陽阳際际隨随險险隻只雜杂雞鸡離离難难電电靈灵韓韩頁页項项順顺須须頭头題题額额顏颜願愿類类顯显風风飛飞飯饭飲饮餐餐館馆馬马驗验體体鬆松魚鱼鳥鸟麵面黃黄點点齊齐龍龙優优億亿價价儲储兒儿內内兩两冊册劃划動动務务勝胜區区協协參参嗎吗員员問问啟启喚唤嘗尝團团國国圍围壓压夠够夢梦奮奋孫孙寶宝實实審审寵宠專专將将對对導导屆届層层嶺岭幣币帶带幫帮廣广廳厅張张強强彈弹徵征後后從从復复恆恒惡恶惱恼慣惯態态慮虑憂忧懷怀戀恋戲戏執执掃扫擊击擔担擴扩攝摄敗败數数斷断於于時时晝昼暫暂曆历書书會会條条標标樣样樹树橫横檢检歸归氣气決决沒没況况淚泪溫温測测滅灭漲涨澤泽濟济灑洒無无爐炉爭争獨独現现環环產产畢毕當当瘋疯癢痒發发盜盗瞭了礎础稅税穀谷窮穷競竞筆笔築筑範范糾纠紀纪純纯紛纷紹绍經经綜综網网緊紧編编緩缓縮缩績绩織织罷罢聞闻聖圣腳脚與与華华萬万葉叶著著蓋盖蘭兰虧亏蟲虫補补製制複复襪袜覽览觸触訴诉詢询誠诚誰谁諾诺謂谓警警讀读貓猫貸贷賞赏賴赖贊赞趨趋輛辆輪轮轉转辭辞邏逻鄉乡酬酬釣钓鈕钮銳锐錢钱鍋锅鏡镜閃闪闆板闊阔陣阵陳陈隱隐雙双雖虽靜静響响頂顶預预領领頻频顧顾飽饱餅饼驚惊驅驱髒脏鬧闹';

let tradTable: Uint16Array | undefined;
const TABLE_BASE = 0x4e00;

/**
 * The traditional→simplified table as a direct-indexed array over U+4E00–U+9FFF (0 = unchanged),
 * built on first use. It is a constant, so sharing it between callers is safe.
 */
function tradToSimp(): Uint16Array {
  if (tradTable) return tradTable;
  const table = new Uint16Array(0xa000 - TABLE_BASE);
  for (let i = 0; i + 1 < TRAD_SIMP.length; i += 2) {
    const t = TRAD_SIMP.charCodeAt(i);
    const s = TRAD_SIMP.charCodeAt(i + 1);
    if (t !== s && t >= TABLE_BASE && t < 0xa000) table[t - TABLE_BASE] = s;
  }
  tradTable = table;
  return table;
}

/** ASCII replacement for CJK punctuation with an ASCII twin; -1 when there is none ("…" is handled apart). */
function cjkPunct(c: number): number {
  switch (c) {
    case 0x3002: // 。
      return 46;
    case 0x3001: // 、
      return 44;
    case 0x300c: // 「
    case 0x300d: // 」
    case 0x300e: // 『
    case 0x300f: // 』
    case 0x201c: // “
    case 0x201d: // ”
      return 34;
    case 0x3010: // 【
    case 0x3014: // 〔
      return 91;
    case 0x3011: // 】
    case 0x3015: // 〕
      return 93;
    case 0x300a: // 《
      return 60;
    case 0x300b: // 》
      return 62;
    case 0x2018: // ‘
    case 0x2019: // ’
      return 39;
    case 0x2014: // —
    case 0x2013: // –
      return 45;
    default:
      return -1;
  }
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x200b || c === 0xfeff;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHanUnit = (c: number): boolean => (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);

/** Normalise text for tokenising and classification (see the file comment for what changes). */
export function normalize(text: string, options: NormalizeOptions = {}): string {
  if (typeof text !== 'string') throw new TypeError('normalize: text must be a string');
  const simplify = options.simplify ?? true;
  const lowercase = options.lowercase ?? true;
  const maxRepeat = options.maxRepeat ?? 3;
  if (!(Number.isInteger(maxRepeat) && maxRepeat >= 0)) throw new RangeError(`normalize: maxRepeat must be a non-negative integer, got ${maxRepeat}`);
  const table = simplify ? tradToSimp() : undefined;
  const src = lowercase ? text.toLowerCase() : text;
  // Work on UTF-16 code units: every mapping here is within the BMP, and surrogate pairs
  // (emoji, rare Han) pass through untouched because neither half matches any rule.
  const out = new Uint16Array(src.length * 3);
  let n = 0;
  let last = -1;
  let run = 0;
  let space = false;
  const emit = (c: number) => {
    if (isSpace(c)) {
      space = n > 0;
      last = -1;
      run = 0;
      return;
    }
    if (space) {
      out[n++] = 32;
      space = false;
    }
    if (c === last) {
      run++;
      // Digits and Han characters are content ("1000", "哈哈哈"), never capped.
      if (maxRepeat > 0 && run > maxRepeat && !isDigit(c) && !isHanUnit(c) && !(c >= 0xd800 && c <= 0xdfff)) return;
    } else {
      last = c;
      run = 1;
    }
    out[n++] = c;
  };
  for (let i = 0; i < src.length; i++) {
    let c = src.charCodeAt(i);
    if (c < 128) {
      emit(c);
      continue;
    }
    if (c >= 0xff01 && c <= 0xff5e) {
      c -= 0xfee0;
      if (lowercase && c >= 65 && c <= 90) c += 32;
      emit(c);
    } else if (c === 0x3000) emit(32);
    else if (c === 0x2026) {
      emit(46);
      emit(46);
      emit(46);
    } else {
      const p = cjkPunct(c);
      if (p >= 0) emit(p);
      else if (table && c >= TABLE_BASE && c < 0xa000) emit(table[c - TABLE_BASE] || c);
      else emit(c);
    }
  }
  let result = '';
  // fromCharCode over chunks: spreading a huge array would overflow the argument stack.
  for (let i = 0; i < n; i += 4096) result += String.fromCharCode(...out.subarray(i, Math.min(n, i + 4096)));
  return result;
}
