namespace Dots.Infrastructure.Seeding;

/// <summary>The demo marketplace's raw material: shops and product lines in Korean and English.</summary>
internal static class DemoCatalog
{
    public sealed record CategoryDef(string Slug, string Name, string NameKo, string Color1, string Color2, string Glyph);

    public sealed record ShopDef(string Slug, string Name, string Description, string Category, string OwnerName);

    /// <summary>A product line: base names, the option axis and its values with a price step each.</summary>
    public sealed record LineDef(string Category, string Title, string TitleKo, string Blurb, string BlurbKo, decimal BasePrice, string OptionName, (string Value, decimal Delta)[] Options, string[] Tags);

    public static readonly CategoryDef[] Categories =
    [
        new("fresh-food", "Fresh food", "신선식품", "#7cc576", "#2e8b57", "F"),
        new("home", "Home & living", "홈·리빙", "#f3c969", "#c07a2c", "H"),
        new("fashion", "Fashion", "패션", "#f08fb0", "#b03a6a", "W"),
        new("beauty", "Beauty", "뷰티", "#f7b7a3", "#d0647a", "B"),
        new("crafts", "Crafts", "공예", "#b89ad9", "#6a4c9c", "C"),
        new("kitchen", "Kitchen", "주방", "#8fd3e8", "#2f7ea1", "K"),
        new("kids", "Kids", "키즈", "#ffd36e", "#f08a24", "K"),
        new("sports", "Sports & outdoor", "스포츠·아웃도어", "#9be3b8", "#1f8a70", "S"),
        new("books", "Books & stationery", "도서·문구", "#c9c9f5", "#4b4bb5", "S"),
    ];

    public static readonly ShopDef[] Shops =
    [
        new("jeju-farm", "Jeju Green Farm", "Fruit and vegetables from a family farm on Jeju island, picked the day before delivery.", "fresh-food", "Kim Min-jun"),
        new("seoul-bakery", "Seongsu Morning Bakery", "Sourdough, pastries and granola baked every night in Seongsu-dong.", "fresh-food", "Lee Seo-yeon"),
        new("maru-home", "Maru Home", "Linen, ceramics and small furniture for calm Korean homes.", "home", "Park Ji-ho"),
        new("hanbok-studio", "Modern Hanbok Studio", "Everyday clothes cut from hanbok patterns, sewn in Seoul.", "fashion", "Choi Ha-eun"),
        new("glow-lab", "Glow Lab", "Small-batch skincare with Korean botanicals, tested on people not animals.", "beauty", "Jung Yu-na"),
        new("hanji-craft", "Hanji Craft House", "Lamps, notebooks and gifts made by hand from Korean mulberry paper.", "crafts", "Kang Do-yoon"),
        new("bap-kitchen", "Bap Kitchen Tools", "Stone pots, knives and kitchen tools for Korean home cooking.", "kitchen", "Yoon Ji-woo"),
        new("little-dots", "Little Dots", "Organic cotton clothes and wooden toys for small people.", "kids", "Han So-yul"),
        new("trail-co", "Bukhansan Trail Co.", "Gear for city hikers: day packs, layers and bottles.", "sports", "Shin Jae-won"),
        new("paper-room", "The Paper Room", "Stationery, planners and books for people who still write by hand.", "books", "Oh Eun-ji"),
    ];

    private static readonly (string Value, decimal Delta)[] Weights = [("1kg", 0m), ("3kg", 1.8m), ("5kg", 2.9m)];
    private static readonly (string Value, decimal Delta)[] Packs = [("1 pack", 0m), ("3 packs", 2.6m)];
    private static readonly (string Value, decimal Delta)[] Sizes = [("S", 0m), ("M", 0m), ("L", 0m), ("XL", 0.1m)];
    private static readonly (string Value, decimal Delta)[] Colors = [("Ivory", 0m), ("Charcoal", 0m), ("Sage", 0m)];
    private static readonly (string Value, decimal Delta)[] Volumes = [("30ml", 0m), ("50ml", 0.5m), ("100ml", 1.2m)];
    private static readonly (string Value, decimal Delta)[] Single = [("One size", 0m)];
    private static readonly (string Value, decimal Delta)[] KidSizes = [("90", 0m), ("100", 0m), ("110", 0.05m), ("120", 0.1m)];

    public static readonly LineDef[] Lines =
    [
        // fresh-food (farm)
        new("fresh-food", "Jeju Tangerines", "제주 감귤", "Sweet, thin-skinned tangerines from volcanic soil.", "화산 토양에서 자란 달콤하고 껍질이 얇은 감귤.", 12900, "weight", Weights, ["fruit", "jeju", "winter"]),
        new("fresh-food", "Hallabong Oranges", "한라봉", "The famous bumpy-topped orange, juicy and fragrant.", "과즙이 풍부하고 향긋한 한라봉.", 24900, "weight", Weights, ["fruit", "jeju", "gift"]),
        new("fresh-food", "Sweet Potatoes", "꿀고구마", "Honey-sweet potatoes for roasting.", "군고구마로 좋은 꿀고구마.", 9900, "weight", Weights, ["vegetable", "roast"]),
        new("fresh-food", "Napa Cabbage", "배추", "Crisp napa cabbage for kimchi season.", "김장철을 위한 아삭한 배추.", 7900, "weight", Weights, ["vegetable", "kimchi"]),
        new("fresh-food", "Shine Muscat Grapes", "샤인머스캣", "Seedless green grapes with a muscat aroma.", "씨 없는 청포도, 은은한 머스캣 향.", 29900, "weight", Weights, ["fruit", "gift", "premium"]),
        new("fresh-food", "Organic Carrots", "유기농 당근", "Sweet Jeju carrots grown without pesticides.", "농약 없이 키운 달콤한 제주 당근.", 6900, "weight", Weights, ["vegetable", "organic", "jeju"]),
        new("fresh-food", "Fuji Apples", "부사 사과", "Crunchy apples from Cheongsong orchards.", "청송 과수원의 아삭한 사과.", 19900, "weight", Weights, ["fruit", "apple"]),
        new("fresh-food", "Korean Pears", "신고배", "Large, juicy Asian pears.", "크고 시원한 신고배.", 27900, "weight", Weights, ["fruit", "gift"]),
        new("fresh-food", "Sourdough Loaf", "사워도우 식빵", "Naturally leavened country loaf, 36-hour ferment.", "36시간 발효한 천연발효 사워도우.", 8500, "pack", Packs, ["bread", "bakery"]),
        new("fresh-food", "Chocolate Croissant", "초콜릿 크루아상", "Butter croissant with dark chocolate batons.", "다크 초콜릿을 넣은 버터 크루아상.", 4800, "pack", Packs, ["bread", "chocolate", "bakery"]),
        new("fresh-food", "Honey Granola", "꿀 그래놀라", "Oats, nuts and Korean wildflower honey.", "귀리, 견과류와 야생화 꿀.", 11900, "pack", Packs, ["breakfast", "honey"]),
        new("fresh-food", "Red Bean Bread", "단팥빵", "Soft bun filled with slow-cooked red beans.", "천천히 끓인 팥소를 넣은 단팥빵.", 3500, "pack", Packs, ["bread", "bakery", "classic"]),
        new("fresh-food", "Salt Bread", "소금빵", "Buttery rolls with a crunchy salted base.", "버터 풍미 가득한 소금빵.", 3200, "pack", Packs, ["bread", "bakery"]),
        new("fresh-food", "Chocolate Chip Cookies", "초코칩 쿠키", "Chewy cookies with Belgian chocolate chips.", "벨기에 초콜릿칩을 넣은 쫀득한 쿠키.", 9800, "pack", Packs, ["cookie", "chocolate", "snack"]),
        new("fresh-food", "Green Tea Financier", "녹차 휘낭시에", "Brown-butter cakes with Jeju green tea.", "제주 녹차를 넣은 휘낭시에.", 12800, "pack", Packs, ["cake", "green tea"]),
        // home
        new("home", "Linen Bed Cover", "린넨 침구 커버", "Stonewashed linen that softens with every wash.", "빨수록 부드러워지는 워싱 린넨.", 89000, "color", Colors, ["bedding", "linen"]),
        new("home", "Ceramic Mug", "도자기 머그", "Hand-thrown mug with a celadon glaze.", "청자 유약을 입힌 핸드메이드 머그.", 24000, "color", Colors, ["ceramic", "cup"]),
        new("home", "Cotton Towel Set", "순면 타월 세트", "Heavy cotton towels, hotel weight.", "호텔 두께의 순면 타월.", 32000, "color", Colors, ["bath", "cotton"]),
        new("home", "Wooden Stool", "원목 스툴", "Oak stool that doubles as a side table.", "사이드 테이블로도 쓰는 오크 스툴.", 119000, "color", Colors, ["furniture", "wood"]),
        new("home", "Soy Candle", "소이 캔들", "Soy wax candle with hinoki and citrus.", "편백과 시트러스 향의 소이 캔들.", 28000, "scent", [("Hinoki", 0m), ("Citrus", 0m), ("Fig", 0m)], ["candle", "scent", "gift"]),
        new("home", "Floor Cushion", "방석", "Quilted cushion for floor sitting.", "좌식 생활을 위한 누빔 방석.", 45000, "color", Colors, ["cushion", "living"]),
        new("home", "Glass Carafe", "유리 물병", "Borosilicate carafe with a cork stopper.", "코르크 마개가 있는 내열 유리 물병.", 26000, "size", [("700ml", 0m), ("1L", 0.2m)], ["glass", "kitchen"]),
        // fashion
        new("fashion", "Hanbok Linen Shirt", "한복 린넨 셔츠", "A relaxed shirt cut from a jeogori pattern.", "저고리 패턴으로 재단한 편안한 셔츠.", 79000, "size", Sizes, ["shirt", "linen", "hanbok"]),
        new("fashion", "Wide Pleated Pants", "와이드 주름 바지", "Wide trousers inspired by baji.", "바지에서 영감을 받은 와이드 팬츠.", 89000, "size", Sizes, ["pants", "hanbok"]),
        new("fashion", "Wool Coat", "울 코트", "Long wool coat with a wrap collar.", "여밈 칼라의 롱 울 코트.", 259000, "size", Sizes, ["coat", "winter", "wool"]),
        new("fashion", "Knit Cardigan", "니트 가디건", "Chunky knit with wooden buttons.", "나무 단추를 단 두툼한 니트.", 98000, "size", Sizes, ["knit", "winter"]),
        new("fashion", "Canvas Tote Bag", "캔버스 토트백", "Heavy canvas tote with an inner pocket.", "안주머니가 있는 두꺼운 캔버스 토트.", 39000, "color", Colors, ["bag", "canvas"]),
        new("fashion", "Silk Scarf", "실크 스카프", "Printed silk scarf with a bojagi pattern.", "보자기 패턴을 프린트한 실크 스카프.", 69000, "color", Colors, ["scarf", "silk", "gift"]),
        // beauty
        new("beauty", "Rice Toner", "쌀 토너", "Hydrating toner with fermented rice water.", "발효 쌀뜨물 보습 토너.", 23000, "volume", Volumes, ["skincare", "toner"]),
        new("beauty", "Green Tea Serum", "녹차 세럼", "Antioxidant serum with Jeju green tea.", "제주 녹차 항산화 세럼.", 38000, "volume", Volumes, ["skincare", "serum", "green tea"]),
        new("beauty", "Mugwort Cleanser", "쑥 클렌저", "Gentle foam cleanser with mugwort.", "쑥 성분의 순한 폼 클렌저.", 18000, "volume", Volumes, ["skincare", "cleanser"]),
        new("beauty", "Camellia Hair Oil", "동백 헤어 오일", "Lightweight camellia oil for hair ends.", "가벼운 동백 헤어 오일.", 26000, "volume", Volumes, ["hair", "oil"]),
        new("beauty", "Sun Cream SPF50", "선크림 SPF50", "Light sunscreen with no white cast.", "백탁 없는 가벼운 선크림.", 21000, "volume", Volumes, ["sunscreen", "skincare"]),
        new("beauty", "Lip Balm", "립밤", "Honey and shea lip balm.", "꿀과 시어버터 립밤.", 9000, "scent", [("Honey", 0m), ("Yuzu", 0m), ("Plain", 0m)], ["lip", "gift"]),
        // crafts
        new("crafts", "Hanji Table Lamp", "한지 스탠드", "Mulberry paper lamp with a warm glow.", "따뜻한 빛의 한지 스탠드.", 68000, "size", [("Small", 0m), ("Large", 0.4m)], ["lamp", "hanji", "light"]),
        new("crafts", "Hanji Notebook", "한지 노트", "Hand-bound notebook with hanji cover.", "한지 표지의 수제 노트.", 15000, "color", Colors, ["notebook", "hanji", "stationery"]),
        new("crafts", "Bojagi Wrapping Cloth", "보자기", "Patchwork wrapping cloth for gifts.", "선물 포장용 조각보.", 32000, "size", [("50cm", 0m), ("70cm", 0.3m)], ["gift", "textile"]),
        new("crafts", "Mother-of-Pearl Box", "자개 함", "Lacquer box with najeon inlay.", "나전 장식의 옻칠 함.", 149000, "size", [("Small", 0m), ("Medium", 0.5m)], ["box", "lacquer", "gift"]),
        new("crafts", "Knot Ornament", "매듭 장식", "Traditional maedeup knot ornament.", "전통 매듭 장식.", 22000, "color", [("Red", 0m), ("Indigo", 0m), ("Gold", 0m)], ["ornament", "gift"]),
        // kitchen
        new("kitchen", "Stone Pot Dolsot", "돌솥", "Granite pot for bibimbap that stays sizzling.", "비빔밥을 위한 곱돌 돌솥.", 42000, "size", [("16cm", 0m), ("18cm", 0.2m)], ["pot", "cooking"]),
        new("kitchen", "Chef Knife", "셰프 나이프", "Forged steel knife, 21cm blade.", "21cm 단조 스틸 나이프.", 89000, "edge", [("Standard", 0m), ("Damascus", 0.8m)], ["knife", "cooking"]),
        new("kitchen", "Brass Spoon Set", "방짜 수저 세트", "Hand-forged bangjja brass spoons and chopsticks.", "방짜 유기 수저 세트.", 79000, "set", [("1 set", 0m), ("2 sets", 1.9m)], ["cutlery", "brass", "gift"]),
        new("kitchen", "Bamboo Steamer", "대나무 찜기", "Two-tier bamboo steamer.", "2단 대나무 찜기.", 29000, "size", [("20cm", 0m), ("26cm", 0.3m)], ["steamer", "cooking"]),
        new("kitchen", "Onggi Kimchi Jar", "옹기 김치통", "Breathable clay jar for kimchi.", "숨 쉬는 옹기 김치통.", 56000, "size", [("2L", 0m), ("5L", 0.6m)], ["kimchi", "storage"]),
        // kids
        new("kids", "Organic Cotton Bodysuit", "유기농 바디수트", "Soft organic cotton bodysuit.", "부드러운 유기농 면 바디수트.", 25000, "size", KidSizes, ["baby", "organic"]),
        new("kids", "Wooden Block Set", "원목 블록 세트", "Beech blocks with non-toxic paint.", "무독성 도료의 너도밤나무 블록.", 48000, "set", [("30 pieces", 0m), ("60 pieces", 0.7m)], ["toy", "wood"]),
        new("kids", "Kids Rain Boots", "아동 장화", "Light rubber boots with easy handles.", "손잡이가 있는 가벼운 장화.", 32000, "size", KidSizes, ["shoes", "rain"]),
        new("kids", "Picture Book", "그림책", "A bilingual picture book about the sea.", "바다에 관한 이중언어 그림책.", 16000, "edition", [("Hardcover", 0m), ("Paperback", -0.3m)], ["book", "bilingual"]),
        // sports
        new("sports", "Day Hiking Pack", "데이 하이킹 배낭", "20L pack with a rain cover.", "레인 커버가 있는 20L 배낭.", 89000, "color", Colors, ["backpack", "hiking"]),
        new("sports", "Insulated Bottle", "보온병", "Keeps tea hot for 12 hours.", "12시간 보온되는 보온병.", 35000, "size", [("500ml", 0m), ("750ml", 0.2m)], ["bottle", "hiking"]),
        new("sports", "Merino Base Layer", "메리노 베이스 레이어", "Merino wool top for cold mornings.", "추운 아침을 위한 메리노 울 상의.", 99000, "size", Sizes, ["wool", "winter", "hiking"]),
        new("sports", "Yoga Mat", "요가 매트", "Natural rubber mat, 5mm.", "5mm 천연고무 매트.", 59000, "color", Colors, ["yoga", "fitness"]),
        new("sports", "Trekking Poles", "등산 스틱", "Carbon poles that fold to 38cm.", "38cm로 접히는 카본 스틱.", 129000, "set", [("Pair", 0m)], ["hiking", "carbon"]),
        // books
        new("books", "Weekly Planner", "위클리 플래너", "Undated weekly planner, lay-flat binding.", "날짜 없는 위클리 플래너.", 18000, "color", Colors, ["planner", "stationery"]),
        new("books", "Fountain Pen", "만년필", "Steel-nib fountain pen.", "스틸 닙 만년필.", 45000, "nib", [("F", 0m), ("M", 0m)], ["pen", "stationery", "gift"]),
        new("books", "Korean Cookbook", "한식 요리책", "Home cooking recipes in English and Korean.", "영어와 한국어로 쓴 가정식 레시피.", 32000, "edition", [("Hardcover", 0m)], ["book", "cooking"]),
        new("books", "Washi Tape Set", "마스킹 테이프 세트", "Twelve rolls of patterned paper tape.", "무늬 마스킹 테이프 12롤.", 14000, "set", [("12 rolls", 0m)], ["tape", "stationery"]),
        new("books", "Calligraphy Brush Set", "서예 붓 세트", "Brushes, ink stick and stone for seoye.", "붓, 먹, 벼루 서예 세트.", 52000, "set", [("Starter", 0m), ("Complete", 0.6m)], ["calligraphy", "art"]),
    ];

    /// <summary>Variations that multiply the product lines into a believable catalog.</summary>
    public static readonly (string En, string Ko)[] Editions =
    [
        ("", ""),
        ("Premium ", "프리미엄 "),
        ("Gift Set: ", "선물세트: "),
        ("Everyday ", "데일리 "),
        ("Limited ", "한정판 "),
    ];

    public static readonly string[] Single1 = [.. Single.Select(s => s.Value)];
}
