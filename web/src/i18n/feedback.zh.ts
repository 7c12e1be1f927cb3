import type { feedbackEn } from './feedback.en';

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

/** 反馈页面的中文文案（并入 `zh` 的 `feedback`）。 */
export const feedbackZh: Strings<typeof feedbackEn> = {
  title: '反馈',
  subtitle: '客户在评价、聊天和问卷中说了什么：情感随时间的变化、喜欢和不满意的方面，以及他们常用的词。',
  period: '时间范围',
  days: '{{count}} 天',
  language: '语言',
  languages: { all: '全部', zh: '中文', en: '英文', mixed: '中英混合', unknown: '未知' },
  stats: {
    texts: '已分析文本',
    average: '平均情感',
    positive: '正面',
    complaints: '投诉',
    spam: '{{count}} 条被标记为垃圾信息',
  },
  sentiment: { positive: '正面', neutral: '中性', negative: '负面' },
  trend: { title: '每周情感', hint: '点击某一周查看对应文本。' },
  aspects: {
    title: '喜欢与不满意',
    hint: '评价按分句打分，并归到分句提到的方面。',
    liked: '喜欢',
    disliked: '不满意',
    none: '暂未提到任何方面（质量、价格、物流……）。',
    names: { quality: '质量', price: '价格', delivery: '物流', service: '服务', packaging: '包装', size: '尺码与合身' },
  },
  keywords: { title: '话题与关键词', hint: '客户最常用的词（逐条文本 TextRank）。点击查看相关文本。', none: '暂无关键词。' },
  topics: { title: '每周话题', topic: '话题', total: '合计' },
  texts: {
    title: '文本',
    all: '最新文本',
    week: '{{week}} 这一周',
    aspect: '{{aspect}}：{{polarity}}',
    keyword: '提到“{{keyword}}”',
    clear: '显示最新',
    none: '没有符合条件的文本。',
    complaint: '投诉',
    spam: '垃圾信息',
    truncated: '已截断至 10,000 字符',
    binary: '已去除无法识别的字符',
    score: '得分 {{score}}',
    customer: '客户',
  },
  empty: {
    title: '还没有客户文本',
    body: '评价、聊天消息和问卷回答会在到达时自动分析。发送带 review_text 属性的 "Review Submitted" 事件，或在下方选择你自己的事件。',
  },
  settings: {
    title: '作为客户文本读取的事件',
    hint: '为每个事件填写存放文本的属性路径（读取第一个存在的）。对此后收到的事件生效。',
    event: '事件名',
    paths: '属性路径（逗号分隔）',
    intent: '识别意图',
    add: '添加事件',
    remove: '删除',
    save: '保存',
    saving: '正在保存…',
    saved: '已保存',
  },
};
