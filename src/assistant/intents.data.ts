/**
 * Hand-written training examples for the assistant's built-in intents, in Chinese and English
 * (written for Nudge; no third-party data). The classifier is trained from these at start-up.
 */
export const INTENTS = ['order_status', 'refund_return', 'shipping', 'price_discount', 'product_question', 'complaint', 'human', 'greeting', 'thanks', 'out_of_scope'] as const;
export type Intent = (typeof INTENTS)[number];

export const INTENT_EXAMPLES: Record<Intent, { en: readonly string[]; zh: readonly string[] }> = {
  order_status: {
    en: [
      'where is my order', 'what is the status of my order', 'has my order shipped yet', 'when will my order arrive', 'track my order',
      'I placed an order last week and have not received it', 'order status please', 'is my package on the way', 'can you check my order',
      'my order has not arrived', 'where is my parcel', 'when does my order get delivered', 'has my purchase been sent out', 'tracking number for my order',
      'what happened to my order', 'is my order processing', 'check order 10023', 'I want to know where my delivery is',
    ],
    zh: [
      '我的订单到哪了', '订单状态查询', '我的快递到哪里了', '订单什么时候发货', '什么时候能收到货', '查一下我的订单', '我的包裹在哪',
      '下单好几天了还没收到', '物流信息怎么查', '订单发货了吗', '帮我看看订单', '我买的东西什么时候到', '快递单号是多少', '订单一直没有更新',
      '我的货发出了吗', '查物流', '订单处理到哪一步了', '怎么还没发货',
    ],
  },
  refund_return: {
    en: [
      'how do I return an item', 'I want a refund', 'can I return this', 'return policy', 'how long do refunds take', 'I want to send it back',
      'can I exchange for a different size', 'refund my money', 'the item is broken I want to return it', 'how to get my money back',
      'I would like to cancel my order and get a refund', 'exchange a product', 'when will I get my refund', 'return an order', 'is return shipping free',
      'I received the wrong item and want to return it',
    ],
    zh: [
      '怎么退货', '我要退款', '可以退货吗', '退货政策是什么', '退款多久到账', '我想换货', '能换个尺码吗', '商品坏了要退', '怎么申请退款',
      '七天无理由退货吗', '退货运费谁出', '取消订单退款', '退款什么时候到', '买错了想退', '收到的东西不对要换', '退换货流程',
    ],
  },
  shipping: {
    en: [
      'how much is shipping', 'do you ship internationally', 'how long does delivery take', 'shipping cost', 'is there free shipping',
      'which courier do you use', 'do you deliver to my city', 'delivery times', 'can I choose express delivery', 'shipping options',
      'how many days for delivery', 'do you offer next day delivery', 'what are the delivery fees', 'free delivery over what amount', 'do you ship to Hong Kong',
      'can I change my delivery address',
    ],
    zh: [
      '运费多少', '包邮吗', '多久能送到', '发什么快递', '能寄到我这里吗', '满多少包邮', '可以发顺丰吗', '配送时间多久', '国外能发货吗',
      '发货地在哪里', '几天能到', '有没有加急快递', '偏远地区运费', '可以改收货地址吗', '配送范围', '送货上门吗',
    ],
  },
  price_discount: {
    en: [
      'do you have any discount codes', 'is there a coupon', 'how much does it cost', 'any sales right now', 'price of this product',
      'can I get a discount', 'my coupon does not work', 'promo code', 'is there a student discount', 'when is the next sale',
      'do you price match', 'how do I use a voucher', 'what is the price', 'members discount', 'are there any offers', 'first order discount',
    ],
    zh: [
      '有优惠券吗', '多少钱', '有没有折扣', '最近有活动吗', '这个价格多少', '能便宜点吗', '优惠码怎么用', '优惠券用不了', '有会员价吗',
      '什么时候打折', '新人优惠', '满减活动', '可以打折吗', '双十一有活动吗', '价格保护', '积分可以抵扣吗',
    ],
  },
  product_question: {
    en: [
      'what size should I get', 'is this available in blue', 'what material is it made of', 'is this product in stock', 'size guide',
      'does it come with a warranty', 'how do I wash this', 'is it waterproof', 'what are the dimensions', 'does this fit true to size',
      'is this suitable for children', 'how long does the battery last', 'when will it be back in stock', 'what colours do you have', 'is it compatible with iphone',
      'what is the difference between these two models',
    ],
    zh: [
      '我该选什么尺码', '有蓝色的吗', '这是什么材质', '有货吗', '尺码表', '有保修吗', '怎么清洗', '防水吗', '尺寸多大', '尺码偏大还是偏小',
      '适合小孩用吗', '电池能用多久', '什么时候补货', '有哪些颜色', '支持苹果手机吗', '这两款有什么区别',
    ],
  },
  complaint: {
    en: [
      'this is terrible service', 'I am very unhappy', 'worst shop ever', 'I want to make a complaint', 'your product is rubbish',
      'I have been waiting for weeks this is unacceptable', 'the quality is awful', 'I am extremely disappointed', 'nobody answers my emails',
      'this is a scam', 'I will report you', 'your delivery guy was rude', 'I am so angry', 'disgusting service', 'never buying from you again',
      'the product broke after one day, ridiculous',
    ],
    zh: [
      '服务太差了', '我要投诉', '太失望了', '质量太差', '简直是垃圾', '等了好几周了太离谱', '你们是骗子吧', '再也不买了', '快递员态度恶劣',
      '气死我了', '什么破东西', '没人回复我', '用了一天就坏了', '太坑了', '我要去消协投诉', '差评',
    ],
  },
  human: {
    en: [
      'talk to a human', 'I want to speak to an agent', 'can I talk to a real person', 'connect me to customer service', 'human please',
      'agent', 'get me a person', 'I need to speak to someone', 'representative', 'let me talk to a real agent', 'transfer me to a human',
      'is there a real person I can chat with', 'operator please', 'I do not want to talk to a bot', 'live agent', 'speak to support staff',
    ],
    zh: [
      '转人工', '人工客服', '我要人工', '找真人', '人工', '帮我转接客服', '有没有人工服务', '我不想跟机器人说话', '叫你们客服来', '接人工',
      '客服在吗', '我要和真人聊', '转接人工客服', '找个人跟我说', '人工服务', '联系客服人员',
    ],
  },
  greeting: {
    en: ['hi', 'hello', 'hey there', 'good morning', 'good afternoon', 'hello is anyone there', 'hi there', 'good evening', 'hey', 'greetings', 'hello nudge', 'yo', 'hiya', 'morning', 'howdy'],
    zh: ['你好', '您好', '在吗', '哈喽', '嗨', '早上好', '下午好', '晚上好', '有人吗', '你好呀', '在不在', '嗨你好', '早', '您好在吗', 'hello你好'],
  },
  thanks: {
    en: ['thanks', 'thank you', 'thanks a lot', 'great thanks', 'that helped', 'cheers', 'thank you so much', 'perfect thanks', 'ok thanks', 'awesome thank you', 'appreciate it', 'many thanks', 'thx', 'got it thanks', 'that was helpful'],
    zh: ['谢谢', '谢谢你', '多谢', '好的谢谢', '感谢', '太感谢了', '明白了谢谢', '非常感谢', '谢啦', '好的明白了', '辛苦了', '谢谢帮忙', '懂了谢谢', '感谢解答', '好的收到'],
  },
  out_of_scope: {
    en: [
      'what is the weather today', 'tell me a joke', 'who won the football game', 'what is the capital of france', 'write me a poem',
      'how old are you', 'what is the meaning of life', 'recommend a movie', 'solve this math problem', 'what time is it in tokyo',
      'can you book a flight', 'who is the president', 'translate this sentence', 'how do I cook pasta', 'what is bitcoin worth', 'sing a song',
    ],
    zh: [
      '今天天气怎么样', '讲个笑话', '昨晚球赛谁赢了', '法国首都是哪里', '给我写首诗', '你几岁了', '人生的意义是什么', '推荐一部电影', '帮我算数学题',
      '东京现在几点', '帮我订机票', '总统是谁', '帮我翻译这句话', '怎么做红烧肉', '比特币多少钱', '唱首歌吧',
    ],
  },
};
