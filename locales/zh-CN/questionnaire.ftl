# TCM constitution identification for older adults (crates/questionnaire).
# Question wording: 老年人中医药健康管理服务记录表, 《国家基本公共卫生服务规范（第三版）》(2017).
# Questions 9, 14, 17 and 28 print their own anchors under the answers: attributes .answer-1 … .answer-5.

tcm-questionnaire-title = 中医体质辨识
tcm-questionnaire-intro = 请根据近一年的体验和感觉，回答以下问题。

tcm-answer-1 = 没有（根本不／从来没有）
tcm-answer-2 = 很少（有一点／偶尔）
tcm-answer-3 = 有时（有些／少数时间）
tcm-answer-4 = 经常（相当／多数时间）
tcm-answer-5 = 总是（非常／每天）

tcm-q01 = 您精力充沛吗？（指精神头足，乐于做事）
tcm-q02 = 您容易疲乏吗？（指体力如何，是否稍微活动一下或做一点家务劳动就感到累）
tcm-q03 = 您容易气短，呼吸短促，接不上气吗？
tcm-q04 = 您说话声音低弱无力吗？（指说话没有力气）
tcm-q05 = 您感到闷闷不乐、情绪低沉吗？（指心情不愉快，情绪低落）
tcm-q06 = 您容易精神紧张、焦虑不安吗？（指遇事是否心情紧张）
tcm-q07 = 您因为生活状态改变而感到孤独、失落吗？
tcm-q08 = 您容易感到害怕或受到惊吓吗？
tcm-q09 = 您感到身体超重不轻松吗？（感觉身体沉重）
    .answer-1 = BMI＜24
    .answer-2 = 24≤BMI＜25
    .answer-3 = 25≤BMI＜26
    .answer-4 = 26≤BMI＜28
    .answer-5 = BMI≥28
tcm-q10 = 您眼睛干涩吗？
tcm-q11 = 您手脚发凉吗？（不包含因周围温度低或穿得少导致的手脚发冷）
tcm-q12 = 您胃脘部、背部或腰膝部怕冷吗？（指上腹部、背部、腰部或膝关节等，有一处或多处怕冷）
tcm-q13 = 您比一般人耐受不了寒冷吗？（指比别人容易害怕冬天或是夏天的冷空调、电扇等）
tcm-q14 = 您容易患感冒吗？（指每年感冒的次数）
    .answer-1 = 一年少于2次
    .answer-2 = 一年2到4次
    .answer-3 = 一年5到6次
    .answer-4 = 一年8次以上
    .answer-5 = 几乎每月都感冒
tcm-q15 = 您没有感冒时也会鼻塞、流鼻涕吗？
tcm-q16 = 您有口黏口腻，或睡眠打鼾吗？
tcm-q17 = 您容易过敏（对药物、食物、气味、花粉或在季节交替、气候变化时）吗？
    .answer-1 = 从来没有
    .answer-2 = 一年1、2次
    .answer-3 = 一年3、4次
    .answer-4 = 一年5、6次
    .answer-5 = 每次遇到上述原因都过敏
tcm-q18 = 您的皮肤容易起荨麻疹吗？（包括风团、风疹块、风疙瘩）
tcm-q19 = 您的皮肤在不知不觉中会出现青紫瘀斑、皮下出血吗？（指皮肤在没有外伤的情况下出现青一块紫一块的情况）
tcm-q20 = 您的皮肤一抓就红，并出现抓痕吗？（指被指甲或钝物划过后皮肤的反应）
tcm-q21 = 您皮肤或口唇干吗？
tcm-q22 = 您有肢体麻木或固定部位疼痛的感觉吗？
tcm-q23 = 您面部或鼻部有油腻感或者油亮发光吗？（指脸上或鼻子）
tcm-q24 = 您面色或目眶晦黯，或出现褐色斑块／斑点吗？
tcm-q25 = 您有皮肤湿疹、疮疖吗？
tcm-q26 = 您感到口干咽燥、总想喝水吗？
tcm-q27 = 您感到口苦或嘴里有异味吗？（指口苦或口臭）
tcm-q28 = 您腹部肥大吗？（指腹部脂肪肥厚）
    .answer-1 = 腹围＜80厘米（约2.4尺）
    .answer-2 = 腹围80～85厘米（2.4～2.55尺）
    .answer-3 = 腹围86～90厘米（2.56～2.7尺）
    .answer-4 = 腹围91～105厘米（2.71～3.15尺）
    .answer-5 = 腹围＞105厘米（3.15尺以上）
tcm-q29 = 您吃（喝）凉的东西会感到不舒服或者怕吃（喝）凉的东西吗？（指不喜欢吃凉的食物，或吃了凉的食物后会不舒服）
tcm-q30 = 您有大便黏滞不爽、解不尽的感觉吗？（大便容易粘在马桶或便坑壁上）
tcm-q31 = 您容易大便干燥吗？
tcm-q32 = 您舌苔厚腻或有舌苔厚厚的感觉吗？（如果自我感觉不清楚可由调查员观察后填写）
tcm-q33 = 您舌下静脉瘀紫或增粗吗？（可由调查员辅助观察后填写）

tcm-constitution-pinghe = 平和质
tcm-constitution-qixu = 气虚质
tcm-constitution-yangxu = 阳虚质
tcm-constitution-yinxu = 阴虚质
tcm-constitution-tanshi = 痰湿质
tcm-constitution-shire = 湿热质
tcm-constitution-xueyu = 血瘀质
tcm-constitution-qiyu = 气郁质
tcm-constitution-tebing = 特禀质

tcm-result-yes = 是
tcm-result-tendency = 倾向是
tcm-result-basically = 基本是
tcm-result-no = 否

# One plain line each: everyday habits only, no treatment claims.
tcm-advice-pinghe = 您的身体状态比较平和。请继续按时吃饭睡觉，适当活动，保持好心情。
tcm-advice-qixu = 别太累着，累了就歇一歇。可以散散步、打打太极，吃饭要按时。
tcm-advice-yangxu = 注意保暖，尤其是腰、肚子和脚。少吃生冷的东西，天气好时多晒晒太阳。
tcm-advice-yinxu = 多喝温开水，少吃辣的和油炸的东西，晚上早点睡，不要熬夜。
tcm-advice-tanshi = 吃得清淡些，少吃油腻和甜食，每顿七八分饱，每天坚持走一走。
tcm-advice-shire = 吃得清淡些，少吃辣和油腻，少喝酒，屋里常通风，保持干爽。
tcm-advice-xueyu = 每天多活动活动身体，注意保暖。身上常有青紫或疼痛时，请告诉医生。
tcm-advice-qiyu = 多和家人朋友聊聊天，常出门走走，心里不痛快就说出来。
tcm-advice-tebing = 尽量避开让您过敏的东西，换季时多加小心。看病时请告诉医生您容易过敏。

# Kiosk screens of the questionnaire (ui/src/screens/questionnaire.rs).
tcm-progress = 第 { $number } 题，共 { $total } 题
tcm-previous = 上一题
tcm-result-title = 您的中医体质辨识结果
tcm-your-constitution = 您的体质
tcm-your-tendency = 倾向于
tcm-needs-review = 结果请由医生进一步判定。
tcm-source = 依据《国家基本公共卫生服务规范》老年人中医药健康管理
