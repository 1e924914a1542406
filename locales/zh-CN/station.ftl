# Screen text of the kiosk (zh-CN is the reference locale; en-US must have every id).

## Welcome
welcome-title = 欢迎使用
welcome-insert-card = 请插入社保卡或医保卡
welcome-insert-hint = 芯片朝上，插入读卡口
welcome-place-id-card = 也可以把身份证放在感应区上
welcome-other-ways = 其他识别方式
identify-id-card = 身份证
identify-health-qr = 电子健康卡 / 医保码
identify-face = 刷脸
welcome-clock = 现在时间 { $time }

## Closed
closed-title = 现在不在开放时间
closed-hours = 开放时间：每天 { $opens } 至 { $closes }

## Card
reading-card-title = 正在读卡
reading-card-hint = 请不要拔出卡片

## Home
home-greeting = { $name }，您好
home-title = 请选择服务
service-self-test = 健康自测
service-reports = 我的报告
service-records = 健康档案
service-appointment = 预约挂号
service-call-doctor = 呼叫医生
logout = 退出
tile-coming-soon = 暂未开通

## Blood pressure
bp-title = 测量血压
bp-step-label = 第 { $step } 步，共 3 步
bp-sit-title = 请坐好休息
bp-sit-body = 坐在椅子上，双脚平放，安静休息一会儿。
bp-cuff-title = 绑好袖带
bp-cuff-body = 把袖带绑在左上臂，和心脏保持同一高度。
bp-measuring-title = 正在测量
bp-measuring-body = 请保持不动，不要说话。
bp-next = 下一步
bp-start = 开始测量
bp-result-title = 血压测量结果
bp-systolic = 收缩压（高压）
bp-diastolic = 舒张压（低压）
bp-pulse = 脉搏
unit-mmhg = 毫米汞柱
unit-per-minute = 次/分
bp-category-label = 评估
bp-category-normal = 正常血压
bp-category-high-normal = 正常高值
bp-category-grade1 = 1级高血压（轻度）
bp-category-grade2 = 2级高血压（中度）
bp-category-grade3 = 3级高血压（重度）
bp-isolated-systolic = 单纯收缩期高血压
bp-advice-normal = 血压正常，请保持清淡饮食、适量运动。
bp-advice-high-normal = 血压偏高，请少吃盐、多运动，定期测量。
bp-advice-grade1 = 血压升高，请近期到社区医生处复查。
bp-advice-grade2 = 血压明显升高，请尽快就医。
bp-advice-grade3 = 血压很高，请立即联系医生或工作人员。
bp-saved = 结果已保存到您的健康记录
bp-guideline = 依据《中国高血压防治指南》
bp-retry = 重新测量
bp-print = 打印报告
back-home = 返回首页

## Shared controls
replay = 再听一遍
dismiss = 知道了
idle-warning-title = 您还在使用吗？
idle-warning-countdown = { $seconds } 秒后将自动退出
keep-using = 继续使用

## Goodbye
goodbye-title = 谢谢使用，再见
goodbye-take-card = 请取回您的卡片

## Notices
notice-card-unreadable = 无法识别此卡，请插入社保卡或医保卡
notice-card-pulled-early = 卡片拔出太快，请重新插入
notice-reader-unavailable = 读卡器暂时不能使用，请联系工作人员
notice-not-available-yet = 这项服务暂未开通
notice-device-no-response = 设备没有响应，请重试或联系工作人员
notice-save-failed = 结果没有保存成功，请联系工作人员
notice-printing = 正在打印报告，请稍候
notice-printed = 报告已打印，请从出纸口取走
notice-printer-unavailable = 打印机暂时不能使用，请联系工作人员
notice-id-card-unreadable = 无法读取身份证，请把身份证重新放好
notice-staff-mode-not-available = 已识别工作人员卡，工作人员模式暂未开通

## Settings
settings-language = 语言
settings-text-size = 字号
text-size-large = 大
text-size-extra-large = 特大
settings-contrast = 对比度
contrast-high-light = 白底黑字
contrast-high-dark = 黑底白字
settings-volume = 音量 { $volume }
volume-down = 小声
volume-up = 大声
locale-zh-CN = 中文
locale-en-US = English

## Demo mode (simulated hardware)
demo-title = 演示模式
demo-insert-card = 插入模拟社保卡
demo-insert-bad-card = 插入无法识别的卡
demo-remove-card = 拔出卡片
demo-place-id-card = 放上模拟身份证

## Other measurements (assessment categories; crates/core/src/vitals.rs)
bmi-category-underweight = 体重偏低
bmi-category-normal = 体重正常
bmi-category-overweight = 超重
bmi-category-obese = 肥胖
temperature-category-hypothermia = 体温过低
temperature-category-below-normal = 体温偏低
temperature-category-normal = 体温正常
temperature-category-low-fever = 低热
temperature-category-moderate-fever = 中等度发热
temperature-category-high-fever = 高热
temperature-category-hyperpyrexia = 超高热
glucose-category-low = 血糖偏低
glucose-category-normal = 血糖正常
glucose-category-random-below-diabetes-range = 随机血糖未达糖尿病诊断水平
glucose-category-impaired-fasting = 空腹血糖受损
glucose-category-impaired-tolerance = 糖耐量减低
glucose-category-diabetes-range = 达到糖尿病诊断水平
spo2-category-very-low = 血氧饱和度很低
spo2-category-low = 血氧饱和度偏低
spo2-category-normal = 血氧饱和度正常
