/**
 * A small hand-written sentiment lexicon for Chinese and English (written for Nudge, no third
 * party list copied, so it ships under the project's licence). Weights are 1 (mild) or 2 (strong);
 * the sign gives the polarity. It is the default sentiment model because no sentiment corpus in
 * ../shared/data may be redistributed as a trained model (docs/models.md).
 */

const entries = (weight: number, words: string): Array<[string, number]> => words.trim().split(/\s+/).map((w) => [w, weight]);

const ZH: Array<[string, number]> = [
  ...entries(2, `
    非常好 很好 太好了 完美 超赞 很棒 好极了 极好 优秀 出色 满意 非常满意 很满意 喜欢 很喜欢 超喜欢 推荐 强烈推荐 值得 物超所值 超值
    惊喜 一流 精致 赞 点赞 给力 好评 五星 爱了 绝了 好用 好吃 好看 舒服 舒适 贴心 周到 热情 专业 靠谱 放心 完美无缺 无可挑剔`),
  ...entries(1, `
    好 不错 挺好 还行 可以 行 方便 快 快速 及时 干净 整洁 安静 漂亮 美 实惠 便宜 划算 合适 清楚 清晰 流畅 稳定 耐用 结实 正品
    新鲜 香 甜 好喝 柔软 透气 合身 顺滑 满分 开心 高兴 愉快 感谢 谢谢 支持 信赖 信任 值 省心 省事 耐心 友好 礼貌 温馨 宽敞 大气
    齐全 丰富 实用 到位 准时 迅速 细心 认真 负责 优惠 惬意 棒 酷 赞赏 完好 顺利 轻松 高效 优质 精美 细腻 清新 喜爱 期待 回购 再来`),
  ...entries(-2, `
    差 很差 太差 极差 非常差 差劲 垃圾 烂 糟糕 恶心 失望 非常失望 很失望 坑 坑人 骗 骗子 欺骗 假货 假的 投诉 退货 退款 后悔 上当
    差评 一星 恶劣 无语 气死 愤怒 生气 难用 难吃 难看 难闻 不值 不满 不满意 不推荐 别买 千万别 坑爹 黑心 霸王 态度差 太坑 烂透
    态度恶劣 破 破损 坏 坏了 损坏 故障 死机 发霉 变质 过期 臭 脏 脏乱 恶劣 粗鲁 冷漠 敷衍 忽悠 诈骗 骚扰`),
  ...entries(-1, `
    不好 一般 一般般 凑合 慢 太慢 很慢 贵 太贵 偏贵 小 太小 旧 陈旧 老旧 吵 很吵 嘈杂 噪音 潮湿 异味 味道 麻烦 问题 毛病 不行 不够
    不足 缺点 遗憾 可惜 郁闷 无奈 担心 不爽 不便 不方便 不舒服 不干净 不清楚 不稳定 卡 卡顿 发热 发烫 掉色 起球 褪色 漏 漏水 划痕
    瑕疵 简陋 拥挤 狭小 昏暗 难 困难 延迟 拖延 迟到 错 错误 缺 缺货 少 偏小 偏大 不值得 不太好 不怎么样 勉强 怀疑 差点 糊弄 水货`),
];

const EN: Array<[string, number]> = [
  ...entries(2, `
    excellent amazing awesome fantastic wonderful perfect outstanding superb brilliant love loved loves lovely best great delighted
    impressed impressive incredible exceptional flawless highly recommend recommended favourite favorite terrific phenomenal`),
  ...entries(1, `
    good nice fine happy glad pleased satisfied like liked likes enjoy enjoyed useful helpful easy fast quick quickly smooth clean comfortable
    friendly polite kind reliable solid sturdy works worked worth cheap affordable fair thanks thank appreciate appreciated cool fun
    beautiful pretty clear quiet fresh tasty delicious convenient efficient responsive accurate recommend value bargain pleasant decent
    well better improved glad recommend gorgeous handy durable fabulous stellar superb warm welcome wow yay`),
  ...entries(-2, `
    terrible awful horrible worst hate hated hates disgusting useless broken scam fraud fake rubbish garbage trash pathetic disappointed
    disappointing disappointment ridiculous unacceptable furious angry refund refunded rip ripoff return returned lawsuit nightmare dreadful
    abysmal appalling rude incompetent`),
  ...entries(-1, `
    bad poor slow expensive overpriced problem problems issue issues bug bugs fail failed fails failure error errors wrong difficult hard
    annoying annoyed noisy loud dirty cheaply flimsy weak late delay delayed missing lost confusing confused complaint complain complained
    unhappy sad sorry worse cheap-looking mediocre meh boring crash crashed crashes defective damaged faulty leak leaks leaking stuck
    waste wasted unfortunately lacking lacks hassle frustrating frustrated inconvenient uncomfortable unreliable buggy spam scratch`),
];

/** Words that scale the next sentiment word. */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ...['非常', '很', '太', '特别', '超', '超级', '十分', '极其', '相当', '真', '真的', '好', '挺', '最', '巨', '贼'].map((w) => [w, 1.5] as [string, number]),
  ...['有点', '有些', '稍微', '略', '比较', '还'].map((w) => [w, 0.6] as [string, number]),
  ...['very', 'really', 'so', 'extremely', 'super', 'totally', 'absolutely', 'incredibly', 'too', 'most', 'highly'].map((w) => [w, 1.5] as [string, number]),
  ...['slightly', 'somewhat', 'bit', 'fairly', 'quite', 'rather', 'little'].map((w) => [w, 0.6] as [string, number]),
]);

/** Polarity of a lexicon word (unstemmed, lower case), or undefined. */
export const LEXICON: ReadonlyMap<string, number> = new Map([...ZH, ...EN]);
