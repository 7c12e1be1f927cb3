/**
 * The demo shop's merchandise: categories, subcategories, product nouns with typical CNY prices,
 * fictional brands, bilingual features, and the complementary pairs customers buy together.
 * All brands are invented; any likeness to a real brand is accidental.
 */

/** [Chinese, English] */
export type Bilingual = readonly [string, string];
/** [Chinese, English, typical price in CNY] */
export type PricedNoun = readonly [string, string, number];
/** [Chinese, English, price factor] */
export type Modifier = readonly [string, string, number];

export interface SubcategoryDef {
  name: Bilingual;
  nouns: readonly PricedNoun[];
  modifiers: readonly Modifier[];
  features: readonly Bilingual[];
  /** Share of the generated (non-pair) products that fall in this subcategory. */
  weight: number;
  /** Book titles: zh is modifier+noun in 《》; en comes from this template ({m} modifier, {n} noun). */
  titleEn?: string;
}

export type AttributeKind = 'electronics' | 'apparel' | 'beauty' | 'home' | 'food' | 'sports' | 'baby' | 'books';

export interface CategoryDef {
  name: Bilingual;
  slug: string;
  kind: AttributeKind;
  brands: readonly Bilingual[];
  scenarios: readonly Bilingual[];
  subcategories: readonly SubcategoryDef[];
}

const m = (zh: string, en: string, factor = 1): Modifier => [zh, en, factor];

export const CATEGORIES: readonly CategoryDef[] = [
  {
    name: ['数码', 'Electronics'], slug: 'electronics', kind: 'electronics',
    brands: [['声科', 'Sonique'], ['极光', 'Aurora'], ['小鲸', 'Orca'], ['锐腾', 'Raytec'], ['墨点', 'Inkdot'], ['星环', 'Starloop']],
    scenarios: [['通勤、办公、旅行都好用', 'Great for commuting, work and travel'], ['送给数码爱好者的好礼', 'A great gift for gadget lovers'], ['学生党和上班族的高性价比之选', 'Great value for students and professionals'], ['全国联保，七天无理由退换', 'Nationwide warranty and 7-day no-questions returns']],
    subcategories: [
      { name: ['手机通讯', 'Phones & Accessories'], weight: 1.2, nouns: [['智能手机', 'Smartphone', 2999], ['快充充电器', 'Fast Charger', 99], ['编织数据线', 'Braided Charging Cable', 39], ['充电宝', 'Power Bank', 149], ['磁吸支架', 'Magnetic Phone Mount', 69]], modifiers: [m('旗舰', 'Flagship', 1.6), m('轻薄', 'Slim'), m('Pro ', 'Pro', 1.3), m('青春版', 'Lite', 0.7), m('二代', 'Gen 2', 1.1)], features: [['支持65W快充', 'supports 65 W fast charging'], ['超长续航', 'all-day battery life'], ['航空级铝合金机身', 'aerospace-grade aluminium body'], ['兼容主流机型', 'works with most phones'], ['双重过充保护', 'dual overcharge protection']] },
      { name: ['电脑办公', 'Computers & Office'], weight: 1, nouns: [['显示器', 'Monitor', 1299], ['无线鼠标', 'Wireless Mouse', 129], ['扩展坞', 'USB-C Hub', 189], ['激光打印机', 'Laser Printer', 899], ['笔记本支架', 'Laptop Stand', 99]], modifiers: [m('27英寸4K', '27" 4K', 1.4), m('静音', 'Silent', 0.9), m('商务', 'Business', 1.1), m('便携', 'Portable', 0.9), m('人体工学', 'Ergonomic', 1.2)], features: [['即插即用', 'plug and play'], ['护眼不闪屏', 'flicker-free, easy on the eyes'], ['多设备一键切换', 'switches between devices at a click'], ['适配Windows与macOS', 'works with Windows and macOS'], ['桌面整洁不凌乱', 'keeps your desk tidy']] },
      { name: ['影音娱乐', 'Audio & Video'], weight: 1.3, nouns: [['蓝牙耳机', 'Wireless Earbuds', 399], ['头戴式耳机', 'Over-Ear Headphones', 899], ['蓝牙音箱', 'Bluetooth Speaker', 299], ['家用投影仪', 'Home Projector', 2499], ['电容麦克风', 'Condenser Microphone', 349]], modifiers: [m('降噪', 'Noise-Cancelling', 1.4), m('运动', 'Sport', 0.9), m('Hi-Fi ', 'Hi-Fi', 1.3), m('迷你', 'Mini', 0.7), m('防水', 'Waterproof', 1)], features: [['主动降噪深度40dB', '40 dB active noise cancellation'], ['低延迟游戏模式', 'low-latency gaming mode'], ['IPX5防水', 'IPX5 water resistance'], ['蓝牙5.3稳定连接', 'stable Bluetooth 5.3'], ['单次续航30小时', '30 hours of playback']] },
      { name: ['智能穿戴', 'Wearables & Smart Home'], weight: 1, nouns: [['运动手环', 'Fitness Band', 249], ['智能体脂秤', 'Smart Scale', 149], ['智能门锁', 'Smart Door Lock', 1299], ['智能插座', 'Smart Plug', 59], ['儿童电话手表', 'Kids Smartwatch', 499]], modifiers: [m('NFC ', 'NFC', 1.1), m('Wi-Fi ', 'Wi-Fi', 1), m('Pro ', 'Pro', 1.3), m('青春版', 'Lite', 0.75), m('长续航', 'Long-Battery', 1.05)], features: [['心率血氧全天监测', 'all-day heart-rate and SpO2 tracking'], ['App远程控制', 'control it from the app'], ['支持语音助手', 'works with voice assistants'], ['14天超长续航', '14-day battery life'], ['一分钟快速安装', 'installs in a minute']] },
    ],
  },
  {
    name: ['服饰', 'Apparel'], slug: 'apparel', kind: 'apparel',
    brands: [['素语', 'Sooyu'], ['北纬', 'Latitude'], ['城南', 'Southtown'], ['木棉', 'Kapok'], ['简野', 'Wildsimple']],
    scenarios: [['日常通勤、约会出游都合适', 'Right for the office, dates and weekends'], ['百搭不挑人', 'Goes with everything'], ['今年流行色，多色可选', "In this season's colours"], ['支持七天无理由退换，尺码不合适可换', 'Free size exchanges within 7 days']],
    subcategories: [
      { name: ['女装', 'Womenswear'], weight: 1.3, nouns: [['针织开衫', 'Knit Cardigan', 259], ['半身裙', 'Midi Skirt', 199], ['雪纺衬衫', 'Chiffon Blouse', 169], ['风衣', 'Trench Coat', 599], ['阔腿裤', 'Wide-Leg Trousers', 229]], modifiers: [m('法式', 'French-Style'), m('复古', 'Vintage'), m('高腰', 'High-Waist'), m('宽松', 'Relaxed'), m('真丝', 'Silk', 1.8)], features: [['面料柔软亲肤', 'soft on the skin'], ['垂感好不易皱', 'drapes well and resists creases'], ['显瘦修身版型', 'a flattering cut'], ['可机洗', 'machine washable'], ['四季可穿', 'wearable all year round']] },
      { name: ['男装', 'Menswear'], weight: 1.1, nouns: [['纯棉T恤', 'Cotton T-Shirt', 99], ['休闲裤', 'Chinos', 199], ['夹克', 'Jacket', 459], ['连帽卫衣', 'Hoodie', 229], ['Polo衫', 'Polo Shirt', 149]], modifiers: [m('基础款', 'Essential', 0.8), m('重磅', 'Heavyweight', 1.2), m('商务', 'Smart', 1.2), m('oversize ', 'Oversized'), m('速干', 'Quick-Dry')], features: [['新疆长绒棉', 'long-staple Xinjiang cotton'], ['不起球不变形', "won't pill or lose its shape"], ['立体剪裁', 'a tailored fit'], ['透气吸汗', 'breathable and sweat-wicking'], ['多色可选', 'comes in many colours']] },
      { name: ['鞋靴', 'Shoes'], weight: 1, nouns: [['小白鞋', 'White Sneakers', 299], ['帆布鞋', 'Canvas Shoes', 159], ['马丁靴', 'Combat Boots', 459], ['乐福鞋', 'Loafers', 399], ['凉鞋', 'Sandals', 189]], modifiers: [m('厚底', 'Platform'), m('真皮', 'Leather', 1.5), m('轻便', 'Lightweight', 0.9), m('复古', 'Retro'), m('防滑', 'Non-Slip')], features: [['脚感柔软不磨脚', 'soft and blister-free'], ['耐磨橡胶大底', 'hard-wearing rubber sole'], ['透气内里', 'breathable lining'], ['标准尺码', 'true to size'], ['久走不累', 'comfortable all day']] },
      { name: ['配饰', 'Accessories'], weight: 0.9, nouns: [['棒球帽', 'Baseball Cap', 79], ['双肩包', 'Backpack', 259], ['太阳镜', 'Sunglasses', 199], ['真皮钱包', 'Leather Wallet', 229], ['托特包', 'Tote Bag', 189]], modifiers: [m('简约', 'Minimal'), m('大容量', 'Large', 1.2), m('偏光', 'Polarised', 1.3), m('轻奢', 'Premium', 1.6), m('防泼水', 'Water-Repellent', 1.1)], features: [['做工精致', 'finely made'], ['五金件耐用', 'durable hardware'], ['大容量多隔层', 'roomy, with plenty of pockets'], ['防紫外线UV400', 'UV400 protection'], ['送礼自用皆宜', 'a gift or a treat for yourself']] },
    ],
  },
  {
    name: ['美妆', 'Beauty'], slug: 'beauty', kind: 'beauty',
    brands: [['花漾', 'Bloomia'], ['清研', 'Purelab'], ['初雪', 'Firstsnow'], ['玉润', 'Jadeglow'], ['薇若', 'Verosa']],
    scenarios: [['适合所有肤质', 'Suits every skin type'], ['敏感肌可用，无酒精无香精', 'Gentle on sensitive skin: no alcohol, no fragrance'], ['专柜品质，正品保证', 'Counter quality, genuine guaranteed'], ['精美礼盒装，送礼首选', 'Comes in a gift box']],
    subcategories: [
      { name: ['护肤', 'Skincare'], weight: 1.3, nouns: [['保湿面霜', 'Moisturising Cream', 189], ['防晒霜', 'Sunscreen SPF50', 129], ['补水面膜', 'Hydrating Sheet Masks', 99], ['眼霜', 'Eye Cream', 239], ['精华水', 'Essence Toner', 199]], modifiers: [m('玻尿酸', 'Hyaluronic'), m('烟酰胺', 'Niacinamide'), m('修护', 'Repair', 1.1), m('清透', 'Light'), m('抗老', 'Anti-Ageing', 1.4)], features: [['72小时长效保湿', '72-hour hydration'], ['温和不刺激', 'gentle and non-irritating'], ['吸收快不黏腻', 'absorbs fast, never sticky'], ['提亮肤色', 'brightens the complexion'], ['皮肤科医生测试', 'dermatologist tested']] },
      { name: ['彩妆', 'Makeup'], weight: 1.1, nouns: [['粉底液', 'Liquid Foundation', 259], ['眼影盘', 'Eyeshadow Palette', 179], ['睫毛膏', 'Mascara', 119], ['腮红', 'Blush', 99], ['气垫BB', 'Cushion Compact', 199]], modifiers: [m('持妆', 'Long-Wear'), m('哑光', 'Matte'), m('水润', 'Dewy'), m('裸妆', 'Natural'), m('限定', 'Limited Edition', 1.3)], features: [['持妆12小时不脱妆', 'lasts 12 hours'], ['显色度高', 'richly pigmented'], ['轻薄服帖', 'light and seamless'], ['防水防汗', 'water and sweat resistant'], ['多色号可选', 'in many shades']] },
      { name: ['洗护', 'Hair & Body'], weight: 1, nouns: [['沐浴露', 'Body Wash', 59], ['身体乳', 'Body Lotion', 79], ['护手霜', 'Hand Cream', 39], ['发膜', 'Hair Mask', 69], ['洗手液', 'Hand Soap', 29]], modifiers: [m('樱花', 'Cherry Blossom'), m('氨基酸', 'Amino Acid', 1.1), m('无硅油', 'Silicone-Free', 1.1), m('家庭装', 'Family Size', 1.6), m('滋润', 'Nourishing')], features: [['温和清洁', 'cleans gently'], ['留香持久', 'a lasting scent'], ['泡沫绵密', 'a rich lather'], ['秋冬不干燥', 'no dryness in winter'], ['大瓶装更划算', 'better value in the big bottle']] },
      { name: ['香氛', 'Fragrance'], weight: 0.7, nouns: [['淡香水', 'Eau de Toilette', 399], ['香薰蜡烛', 'Scented Candle', 159], ['车载香薰', 'Car Diffuser', 89], ['香水小样套装', 'Fragrance Sampler Set', 129]], modifiers: [m('白茶', 'White Tea'), m('木质', 'Woody'), m('柑橘', 'Citrus'), m('玫瑰', 'Rose', 1.1), m('海盐', 'Sea Salt')], features: [['前调清新后调温暖', 'fresh top notes, warm base'], ['留香6小时', 'lasts six hours'], ['天然植物精油', 'natural essential oils'], ['精致礼盒包装', 'in a beautiful gift box']] },
    ],
  },
  {
    name: ['家居', 'Home'], slug: 'home', kind: 'home',
    brands: [['暖居', 'Cozyhome'], ['禾木', 'Hemu'], ['知物', 'Mindware'], ['北欧森', 'Nordwood'], ['净界', 'Cleanzone']],
    scenarios: [['让家更舒适', 'Makes home more comfortable'], ['小户型也放得下', 'Fits small apartments'], ['乔迁送礼好选择', 'A good housewarming gift'], ['一年质保，售后无忧', 'One-year warranty, hassle-free service']],
    subcategories: [
      { name: ['厨具', 'Kitchen'], weight: 1.2, nouns: [['电饭煲', 'Rice Cooker', 399], ['铁锅', 'Iron Wok', 259], ['刀具套装', 'Knife Set', 299], ['空气炸锅', 'Air Fryer', 359], ['保温杯', 'Vacuum Flask', 129]], modifiers: [m('IH ', 'IH', 1.4), m('家用', 'Family'), m('不锈钢', 'Stainless Steel', 1.1), m('大容量', 'Large', 1.2), m('迷你', 'Mini', 0.75)], features: [['食品级材质', 'food-grade materials'], ['一键操作', 'one-touch operation'], ['易清洗', 'easy to clean'], ['受热均匀', 'heats evenly'], ['24小时保温', 'keeps drinks hot for 24 hours']] },
      { name: ['床品', 'Bedding'], weight: 1, nouns: [['记忆棉枕', 'Memory Foam Pillow', 199], ['蚕丝被', 'Silk Duvet', 899], ['珊瑚绒毯', 'Fleece Blanket', 159], ['床笠', 'Fitted Sheet', 99], ['凉席', 'Summer Sleeping Mat', 169]], modifiers: [m('A类', 'Class-A'), m('纯棉', 'Pure Cotton', 1.1), m('加厚', 'Thick', 1.2), m('抗菌', 'Antibacterial', 1.1), m('冰丝', 'Cooling')], features: [['亲肤透气', 'breathable and skin-friendly'], ['不掉色不起球', 'colourfast and pill-free'], ['支撑颈椎', 'supports your neck'], ['可机洗', 'machine washable'], ['母婴级标准', 'safe for babies']] },
      { name: ['家具', 'Furniture'], weight: 0.9, nouns: [['人体工学椅', 'Ergonomic Chair', 1299], ['书桌', 'Desk', 699], ['收纳柜', 'Storage Cabinet', 399], ['落地灯', 'Floor Lamp', 299], ['懒人沙发', 'Bean Bag Sofa', 459]], modifiers: [m('实木', 'Solid Wood', 1.4), m('北欧', 'Nordic'), m('可升降', 'Adjustable', 1.5), m('简约', 'Minimal', 0.9), m('奶油风', 'Cream-Style')], features: [['免工具安装', 'tool-free assembly'], ['承重稳固', 'sturdy and stable'], ['环保E0级板材', 'E0-grade eco-friendly boards'], ['圆角防磕碰', 'rounded corners'], ['节省空间', 'saves space']] },
      { name: ['家电', 'Appliances'], weight: 1.1, nouns: [['空气净化器', 'Air Purifier', 1299], ['加湿器', 'Humidifier', 199], ['电风扇', 'Electric Fan', 249], ['无线吸尘器', 'Cordless Vacuum', 1299], ['电热水壶', 'Electric Kettle', 129]], modifiers: [m('智能', 'Smart', 1.3), m('静音', 'Quiet'), m('落地', 'Standing', 1.1), m('轻量', 'Lightweight', 0.9), m('除菌', 'Sterilising', 1.2)], features: [['睡眠模式低至22分贝', 'as quiet as 22 dB in sleep mode'], ['App远程控制', 'control it from the app'], ['一级能效', 'top energy-efficiency rating'], ['HEPA滤网', 'HEPA filter'], ['安全自动断电', 'automatic safety shut-off']] },
    ],
  },
  {
    name: ['食品', 'Food & Grocery'], slug: 'food', kind: 'food',
    brands: [['山野', 'Wildhill'], ['味源', 'Flavorroot'], ['良品铺', 'Goodshop'], ['田园', 'Fieldfresh'], ['茶语', 'Teatalk']],
    scenarios: [['产地直发，品质看得见', 'Shipped straight from the source'], ['家中常备，囤货首选', 'A pantry staple worth stocking up on'], ['逢年过节送礼有面子', 'A gift that impresses at festivals'], ['顺丰包邮，破损包赔', 'Free express shipping; damaged items replaced']],
    subcategories: [
      { name: ['零食', 'Snacks'], weight: 1.2, nouns: [['每日坚果', 'Daily Mixed Nuts', 129], ['牛肉干', 'Beef Jerky', 59], ['薯片', 'Potato Chips', 19.9], ['黑巧克力', 'Dark Chocolate', 49], ['曲奇饼干', 'Butter Cookies', 39]], modifiers: [m('原味', 'Original'), m('麻辣', 'Spicy'), m('低糖', 'Low-Sugar', 1.1), m('礼盒装', 'Gift Box', 1.8), m('量贩装', 'Value Pack', 1.5)], features: [['0添加防腐剂', 'no preservatives'], ['独立小包装', 'individually wrapped'], ['酥脆可口', 'crisp and tasty'], ['当季新货', 'fresh this season'], ['孩子老人都爱吃', 'loved by kids and grandparents']] },
      { name: ['茶饮冲调', 'Tea & Coffee'], weight: 1, nouns: [['茉莉花茶', 'Jasmine Tea', 69], ['挂耳咖啡', 'Drip Coffee Bags', 59], ['正山小种红茶', 'Lapsang Souchong', 89], ['冻干咖啡', 'Freeze-Dried Coffee', 49], ['燕麦奶', 'Oat Milk', 39]], modifiers: [m('特级', 'Premium', 1.5), m('云南', 'Yunnan'), m('有机', 'Organic', 1.3), m('罐装', 'Tin'), m('便携装', 'Travel Pack', 0.8)], features: [['香气浓郁', 'a rich aroma'], ['回甘明显', 'a sweet aftertaste'], ['三秒速溶', 'dissolves in three seconds'], ['中度烘焙', 'medium roast'], ['明前采摘', 'picked before Qingming']] },
      { name: ['粮油调味', 'Pantry'], weight: 0.9, nouns: [['五常大米', 'Wuchang Rice 5 kg', 79], ['特级初榨橄榄油', 'Extra Virgin Olive Oil', 99], ['酿造生抽', 'Light Soy Sauce', 19.9], ['香辣酱', 'Chilli Sauce', 15.9], ['手擀面', 'Hand-Pulled Noodles', 12.9]], modifiers: [m('有机', 'Organic', 1.3), m('家庭装', 'Family Size', 1.5), m('古法', 'Traditional'), m('减盐', 'Reduced-Salt'), m('特选', 'Select', 1.2)], features: [['非转基因', 'non-GMO'], ['零添加', 'nothing added'], ['粒粒饱满', 'plump grains'], ['传统工艺酿造', 'traditionally brewed'], ['炒菜凉拌都适合', 'for stir-fries and salads']] },
      { name: ['生鲜', 'Fresh'], weight: 0.9, nouns: [['智利车厘子', 'Chilean Cherries', 199], ['猕猴桃', 'Kiwifruit', 59], ['原切牛排', 'Ribeye Steak', 169], ['阳澄湖大闸蟹', 'Hairy Crab', 399], ['挪威三文鱼', 'Norwegian Salmon', 129]], modifiers: [m('JJ级', 'Jumbo', 1.3), m('精选', 'Select'), m('礼盒', 'Gift Box', 1.5), m('冰鲜', 'Chilled'), m('家庭装', 'Family Pack', 1.4)], features: [['冷链直达', 'cold-chain delivered'], ['个大饱满', 'big and juicy'], ['现捕现发', 'caught and shipped the same day'], ['肉质鲜嫩', 'tender and fresh'], ['坏果包赔', 'bad ones replaced free']] },
    ],
  },
  {
    name: ['运动', 'Sports'], slug: 'sports', kind: 'sports',
    brands: [['疾风', 'Gale'], ['野径', 'Trailwild'], ['跃动', 'Leap'], ['极峰', 'Summit'], ['飞羽', 'Flyfeather']],
    scenarios: [['健身房和居家锻炼都适用', 'For the gym or working out at home'], ['新手入门到进阶都合适', 'From beginner to advanced'], ['户外探险好伙伴', 'A good companion outdoors'], ['专业运动员推荐', 'Recommended by pro athletes']],
    subcategories: [
      { name: ['健身', 'Fitness'], weight: 1, nouns: [['可调节哑铃', 'Adjustable Dumbbells', 399], ['弹力带', 'Resistance Bands', 49], ['计数跳绳', 'Counting Jump Rope', 39], ['健腹轮', 'Ab Roller', 59], ['泡沫轴', 'Foam Roller', 79]], modifiers: [m('家用', 'Home'), m('专业', 'Pro', 1.4), m('防滑', 'Non-Slip'), m('静音', 'Quiet', 1.1), m('套装', 'Set', 1.6)], features: [['防滑手柄', 'non-slip grip'], ['承重强不易断', 'strong and durable'], ['收纳方便', 'easy to store'], ['附赠训练课程', 'comes with a training plan'], ['环保TPE材质', 'eco-friendly TPE']] },
      { name: ['跑步', 'Running'], weight: 0.9, nouns: [['跑步短裤', 'Running Shorts', 129], ['速干T恤', 'Quick-Dry Tee', 99], ['跑步腰包', 'Running Belt', 59], ['压缩腿套', 'Compression Sleeves', 89], ['运动头带', 'Sweatband', 29]], modifiers: [m('马拉松', 'Marathon', 1.2), m('轻量', 'Ultralight', 1.1), m('反光', 'Reflective'), m('透气', 'Breathable'), m('夜跑', 'Night-Run')], features: [['速干透气', 'dries fast'], ['夜间反光更安全', 'reflective for night runs'], ['无感贴合', 'you forget you are wearing it'], ['防滑硅胶条', 'silicone grip strip'], ['四面弹力', 'four-way stretch']] },
      { name: ['户外', 'Outdoor'], weight: 1, nouns: [['登山杖', 'Trekking Poles', 159], ['冲锋衣', 'Hardshell Jacket', 699], ['登山鞋', 'Hiking Boots', 599], ['折叠椅', 'Camping Chair', 129], ['头灯', 'Headlamp', 79]], modifiers: [m('碳纤维', 'Carbon', 1.6), m('防水', 'Waterproof', 1.2), m('超轻', 'Ultralight', 1.2), m('三合一', '3-in-1', 1.3), m('便携', 'Packable')], features: [['防风防水', 'wind and waterproof'], ['轻便易携带', 'light and easy to carry'], ['耐磨抗撕裂', 'tough and tear-resistant'], ['一秒展开', 'sets up in a second'], ['适合徒步露营', 'for hiking and camping']] },
      { name: ['球类', 'Ball Sports'], weight: 0.8, nouns: [['篮球', 'Basketball', 199], ['足球', 'Football', 159], ['乒乓球拍', 'Table Tennis Paddle', 129], ['网球拍', 'Tennis Racket', 499], ['排球', 'Volleyball', 119]], modifiers: [m('比赛用', 'Match', 1.3), m('训练', 'Training', 0.9), m('室内外', 'Indoor/Outdoor'), m('青少年', 'Youth', 0.8), m('专业', 'Pro', 1.5)], features: [['手感好', 'great feel'], ['耐磨防滑', 'durable grip'], ['弹性稳定', 'consistent bounce'], ['附赠球包', 'bag included'], ['适合初学者', 'good for beginners']] },
    ],
  },
  {
    name: ['母婴', 'Baby & Kids'], slug: 'baby', kind: 'baby',
    brands: [['贝乐', 'Bellebaby'], ['小橡树', 'Little Oak'], ['暖芽', 'Sprout'], ['萌趣', 'Cutie']],
    scenarios: [['宝妈们的回购好物', 'A favourite that parents reorder'], ['通过欧盟安全认证', 'EU safety certified'], ['宝宝用得安心，妈妈买得放心', 'Safe for baby, peace of mind for parents'], ['满月周岁送礼佳品', 'A lovely gift for a new baby']],
    subcategories: [
      { name: ['喂养', 'Feeding'], weight: 1, nouns: [['辅食机', 'Baby Food Maker', 299], ['吸管杯', 'Sippy Cup', 69], ['婴儿米粉', 'Baby Rice Cereal', 59], ['宝宝餐椅', 'High Chair', 399], ['围兜', 'Bibs', 39]], modifiers: [m('硅胶', 'Silicone'), m('防漏', 'Leak-Proof'), m('有机', 'Organic', 1.3), m('多功能', 'Multi-Use', 1.2), m('便携', 'Travel')], features: [['食品级硅胶', 'food-grade silicone'], ['不含BPA', 'BPA-free'], ['易清洗', 'easy to clean'], ['营养均衡', 'balanced nutrition'], ['可高温消毒', 'sterilisable']] },
      { name: ['洗护', 'Baby Care'], weight: 0.8, nouns: [['婴儿洗发沐浴露', 'Baby Wash', 69], ['护臀膏', 'Nappy Cream', 49], ['婴儿润肤露', 'Baby Lotion', 79], ['婴儿指甲剪', 'Baby Nail Clippers', 29]], modifiers: [m('无泪配方', 'Tear-Free'), m('植物', 'Botanical'), m('温和', 'Gentle'), m('新生儿', 'Newborn'), m('大容量', 'Large', 1.4)], features: [['无泪配方', 'tear-free formula'], ['pH值温和', 'pH balanced'], ['无香精', 'fragrance-free'], ['新生儿可用', 'safe from birth'], ['医院同款', 'hospital-grade']] },
      { name: ['玩具', 'Toys'], weight: 1, nouns: [['积木', 'Building Blocks', 199], ['拼图', 'Jigsaw Puzzle', 59], ['毛绒玩具', 'Plush Toy', 89], ['早教机', 'Learning Tablet', 259], ['磁力片', 'Magnetic Tiles', 229]], modifiers: [m('益智', 'Educational'), m('大颗粒', 'Large-Piece'), m('木质', 'Wooden', 1.1), m('双语', 'Bilingual', 1.2), m('百变', 'Creative')], features: [['锻炼动手能力', 'builds fine motor skills'], ['圆角无毛刺', 'smooth rounded edges'], ['环保水性漆', 'non-toxic water-based paint'], ['3岁以上适用', 'for ages 3+'], ['中英双语', 'Chinese and English']] },
      { name: ['出行', 'Baby Gear'], weight: 0.8, nouns: [['安全座椅', 'Car Seat', 1299], ['婴儿背带', 'Baby Carrier', 299], ['婴儿床', 'Crib', 999], ['妈咪包', 'Diaper Bag', 199]], modifiers: [m('ISOFIX ', 'ISOFIX', 1.2), m('轻便', 'Lightweight'), m('多功能', 'Multi-Use', 1.2), m('可折叠', 'Foldable'), m('四季', 'All-Season')], features: [['欧标安全认证', 'meets EU safety standards'], ['一键折叠', 'one-hand fold'], ['透气网布', 'breathable mesh'], ['0-4岁适用', 'for ages 0–4'], ['承重稳固', 'sturdy']] },
    ],
  },
  {
    name: ['图书', 'Books'], slug: 'books', kind: 'books',
    brands: [['星河出版社', 'Galaxy Press'], ['青藤书局', 'Ivy Books'], ['远山文化', 'Far Hills'], ['启明书社', 'Dawn Books']],
    scenarios: [['豆瓣高分推荐', 'Highly rated by readers'], ['正版图书，印刷清晰', 'Genuine edition with crisp printing'], ['适合睡前阅读', 'Perfect bedtime reading'], ['送给爱读书的朋友', 'For the reader in your life']],
    subcategories: [
      { name: ['小说', 'Fiction'], weight: 1.1, titleEn: 'The {m} {n}', nouns: [['河流', 'River', 49], ['城市', 'City', 52], ['花园', 'Garden', 45], ['星辰', 'Stars', 55], ['旅人', 'Traveller', 48], ['夏天', 'Summer', 42]], modifiers: [m('沉默的', 'Silent'), m('遥远的', 'Distant'), m('最后的', 'Last'), m('消失的', 'Vanishing'), m('无尽的', 'Endless'), m('午夜的', 'Midnight')], features: [['荣获年度文学奖', 'winner of a book-of-the-year award'], ['一部关于成长与告别的故事', 'a story of growing up and letting go'], ['悬念迭起，让人欲罢不能', 'twisty and impossible to put down'], ['精装典藏版', 'a hardcover collector’s edition']] },
      { name: ['童书', "Children's Books"], weight: 0.9, titleEn: "{m}'s {n}", nouns: [['大冒险', 'Big Adventure', 39], ['第一天上学', 'First Day at School', 35], ['晚安故事', 'Bedtime Stories', 45], ['四季', 'Four Seasons', 38]], modifiers: [m('小熊', 'Little Bear'), m('小兔子', 'Bunny'), m('小恐龙', 'Little Dinosaur'), m('企鹅宝宝', 'Baby Penguin'), m('小狐狸', 'Little Fox')], features: [['中英双语绘本', 'a bilingual picture book'], ['色彩明亮，插画精美', 'bright, beautiful illustrations'], ['适合3-6岁亲子共读', 'for reading together, ages 3–6'], ['纸板书不怕撕', 'tear-proof board pages']] },
      { name: ['教育考试', 'Education'], weight: 0.9, titleEn: '{m}: {n}', nouns: [['真题精讲', 'Past Papers Explained', 58], ['核心词汇', 'Core Vocabulary', 45], ['从入门到精通', 'From Beginner to Expert', 79], ['刷题宝典', 'Practice Workbook', 39]], modifiers: [m('雅思', 'IELTS'), m('考研英语', 'Graduate English'), m('Python编程', 'Python Programming'), m('高考数学', 'Gaokao Maths'), m('日语N2', 'JLPT N2')], features: [['名师团队编写', 'written by top teachers'], ['配套音频视频', 'with audio and video'], ['考点全覆盖', 'covers every exam topic'], ['附赠模拟试卷', 'includes mock exams']] },
      { name: ['经管', 'Business'], weight: 0.8, titleEn: '{n} {m}', nouns: [['增长', 'Growth', 59], ['领导力', 'Leadership', 62], ['营销', 'Marketing', 56], ['投资', 'Investing', 68], ['管理', 'Management', 58]], modifiers: [m('的底层逻辑', 'First Principles'), m('实战手册', 'Playbook'), m('原则', 'Principles'), m('十二讲', 'in Twelve Lessons')], features: [['畅销十年的经典', 'a classic, ten years a bestseller'], ['大量真实案例', 'full of real cases'], ['创业者必读', 'a must-read for founders'], ['语言通俗易懂', 'clear and readable']] },
    ],
  },
];

/** Two products customers buy together: [category slug, subcategory (en), product A, product B]. */
export type PlantedPairDef = readonly [string, string, PricedNoun, string, string, PricedNoun];

export const PLANTED_PAIRS: readonly PlantedPairDef[] = [
  ['electronics', 'Phones & Accessories', ['5G智能手机', '5G Smartphone', 3299], 'electronics', 'Phones & Accessories', ['硅胶手机壳', 'Silicone Phone Case', 49]],
  ['electronics', 'Phones & Accessories', ['折叠屏手机', 'Foldable Phone', 6999], 'electronics', 'Phones & Accessories', ['钢化膜', 'Tempered-Glass Screen Protector', 29]],
  ['electronics', 'Computers & Office', ['轻薄笔记本电脑', 'Ultrabook Laptop', 5499], 'apparel', 'Accessories', ['电脑双肩包', 'Laptop Backpack', 199]],
  ['electronics', 'Computers & Office', ['平板电脑', 'Tablet', 2599], 'electronics', 'Computers & Office', ['电容手写笔', 'Stylus Pen', 199]],
  ['electronics', 'Audio & Video', ['微单相机', 'Mirrorless Camera', 5999], 'electronics', 'Audio & Video', ['128GB存储卡', '128 GB SD Card', 129]],
  ['electronics', 'Audio & Video', ['游戏主机', 'Game Console', 2899], 'electronics', 'Audio & Video', ['无线游戏手柄', 'Wireless Controller', 399]],
  ['electronics', 'Computers & Office', ['机械键盘', 'Mechanical Keyboard', 399], 'electronics', 'Computers & Office', ['电竞鼠标', 'Gaming Mouse', 249]],
  ['electronics', 'Wearables & Smart Home', ['智能手表', 'Smartwatch', 1499], 'electronics', 'Wearables & Smart Home', ['替换表带', 'Replacement Watch Band', 79]],
  ['apparel', 'Menswear', ['商务衬衫', 'Business Shirt', 259], 'apparel', 'Accessories', ['真丝领带', 'Silk Tie', 169]],
  ['apparel', 'Menswear', ['修身牛仔裤', 'Slim-Fit Jeans', 299], 'apparel', 'Accessories', ['头层牛皮皮带', 'Leather Belt', 159]],
  ['apparel', 'Womenswear', ['羽绒服', 'Down Jacket', 799], 'apparel', 'Accessories', ['羊绒围巾', 'Cashmere Scarf', 299]],
  ['apparel', 'Womenswear', ['碎花连衣裙', 'Floral Dress', 299], 'apparel', 'Accessories', ['草编包', 'Straw Bag', 159]],
  ['beauty', 'Hair & Body', ['洗发水', 'Shampoo', 69], 'beauty', 'Hair & Body', ['护发素', 'Conditioner', 69]],
  ['beauty', 'Skincare', ['氨基酸洁面乳', 'Amino Acid Cleanser', 89], 'beauty', 'Skincare', ['爽肤水', 'Hydrating Toner', 129]],
  ['beauty', 'Skincare', ['精华液', 'Repair Serum', 329], 'beauty', 'Skincare', ['修护面霜', 'Barrier Cream', 259]],
  ['beauty', 'Makeup', ['丝绒口红', 'Velvet Lipstick', 159], 'beauty', 'Makeup', ['卸妆水', 'Micellar Makeup Remover', 79]],
  ['beauty', 'Hair & Body', ['电动牙刷', 'Electric Toothbrush', 299], 'beauty', 'Hair & Body', ['替换刷头', 'Replacement Brush Heads', 89]],
  ['home', 'Kitchen', ['意式咖啡机', 'Espresso Machine', 1899], 'food', 'Tea & Coffee', ['意式拼配咖啡豆', 'Espresso Blend Coffee Beans', 89]],
  ['home', 'Bedding', ['乳胶枕', 'Latex Pillow', 259], 'home', 'Bedding', ['真丝枕套', 'Silk Pillowcase', 199]],
  ['home', 'Bedding', ['全棉四件套', 'Cotton Bedding Set', 399], 'home', 'Bedding', ['羽绒被', 'Down Duvet', 699]],
  ['home', 'Kitchen', ['不粘煎锅', 'Non-Stick Frying Pan', 199], 'home', 'Kitchen', ['硅胶锅铲', 'Silicone Spatula', 39]],
  ['home', 'Appliances', ['扫地机器人', 'Robot Vacuum', 1999], 'home', 'Appliances', ['扫地机滤网耗材包', 'Robot Vacuum Filter Kit', 99]],
  ['home', 'Kitchen', ['功夫茶具套装', 'Gongfu Tea Set', 299], 'food', 'Tea & Coffee', ['西湖龙井', 'West Lake Longjing Tea', 199]],
  ['food', 'Pantry', ['重庆火锅底料', 'Chongqing Hotpot Base', 39], 'food', 'Pantry', ['芝麻蘸料', 'Sesame Dipping Sauce', 19.9]],
  ['food', 'Snacks', ['月饼礼盒', 'Mooncake Gift Box', 268], 'food', 'Tea & Coffee', ['普洱茶饼', "Pu'er Tea Cake", 158]],
  ['food', 'Tea & Coffee', ['即食燕麦片', 'Instant Oatmeal', 39], 'food', 'Tea & Coffee', ['纯牛奶整箱', 'Whole Milk (Case of 12)', 69]],
  ['sports', 'Fitness', ['瑜伽垫', 'Yoga Mat', 129], 'sports', 'Fitness', ['瑜伽砖', 'Yoga Block', 39]],
  ['sports', 'Running', ['缓震跑鞋', 'Cushioned Running Shoes', 699], 'sports', 'Running', ['专业跑步袜', 'Running Socks (3 Pairs)', 59]],
  ['sports', 'Ball Sports', ['羽毛球拍', 'Badminton Racket', 299], 'sports', 'Ball Sports', ['耐打羽毛球', 'Shuttlecocks (12 Pack)', 79]],
  ['sports', 'Outdoor', ['双人帐篷', 'Two-Person Tent', 599], 'sports', 'Outdoor', ['羽绒睡袋', 'Down Sleeping Bag', 459]],
  ['baby', 'Feeding', ['婴儿配方奶粉', 'Infant Formula', 298], 'baby', 'Feeding', ['宽口径奶瓶', 'Wide-Neck Baby Bottle', 99]],
  ['baby', 'Baby Care', ['纸尿裤', 'Nappies (Pack of 84)', 139], 'baby', 'Baby Care', ['婴儿湿巾', 'Baby Wipes (10 Packs)', 59]],
  ['baby', 'Baby Gear', ['婴儿推车', 'Baby Stroller', 1599], 'baby', 'Baby Gear', ['推车雨罩', 'Stroller Rain Cover', 69]],
  ['books', 'Fiction', ['星辰之海·第一部', 'Sea of Stars, Book One', 59], 'books', 'Fiction', ['星辰之海·第二部', 'Sea of Stars, Book Two', 59]],
  ['books', 'Education', ['雅思真题集', 'IELTS Practice Tests', 68], 'books', 'Education', ['雅思核心词汇', 'IELTS Core Vocabulary', 45]],
];

/** Colours with their Chinese names, for product attributes. */
export const COLORS: readonly Bilingual[] = [['黑色', 'black'], ['白色', 'white'], ['银色', 'silver'], ['深空灰', 'space grey'], ['藏青', 'navy'], ['粉色', 'pink'], ['墨绿', 'forest green'], ['酒红', 'burgundy'], ['米色', 'beige'], ['卡其', 'khaki']];
export const ORIGINS: readonly Bilingual[] = [['云南', 'Yunnan'], ['福建', 'Fujian'], ['浙江', 'Zhejiang'], ['四川', 'Sichuan'], ['新疆', 'Xinjiang'], ['黑龙江', 'Heilongjiang'], ['内蒙古', 'Inner Mongolia'], ['智利', 'Chile'], ['新西兰', 'New Zealand']];
export const AUTHORS: readonly Bilingual[] = [['林远', 'Lin Yuan'], ['苏晚晴', 'Su Wanqing'], ['陈默', 'Chen Mo'], ['周一鸣', 'Zhou Yiming'], ['Emily Hart', 'Emily Hart'], ['James Cole', 'James Cole'], ['许知远行', 'Xu Zhiyuan'], ['Anna Berg', 'Anna Berg']];
