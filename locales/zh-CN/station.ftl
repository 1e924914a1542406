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

## Self-test (guided measurements; crates/protocol/src/measure.rs)
self-test-title = 请选择测量项目
tile-no-device = 本站暂无此设备
measure-blood-pressure = 测量血压
measure-body = 身高体重
measure-temperature = 测量体温
measure-glucose = 测量血糖
measure-spo2 = 血氧和脉搏
measure-step-label = 第 { $step } 步，共 { $steps } 步
measure-next = 下一步
measure-start = 开始测量
measure-retry = 再测一次
measure-other = 测其他项目
print-report = 打印报告
step-sit-title = 请坐好休息
step-sit-body = 坐在椅子上，双脚平放，安静休息一会儿。
step-cuff-title = 绑好袖带
step-cuff-body = 把袖带绑在左上臂，和心脏保持同一高度。
step-stand-on-scale-title = 请站上身高体重秤
step-stand-on-scale-body = 脱掉鞋子和外套，背靠立杆站直，双眼平视前方。
step-place-thermometer-title = 测量体温
step-place-thermometer-body = 把体温计对准额头中间，离开一两厘米，不要碰到皮肤。
step-glucose-timing-title = 您上一次吃东西是什么时候？
step-glucose-timing-body = 请选择一项，血糖要按吃饭的时间来判断。
step-prepare-strip-title = 准备采血
step-prepare-strip-body = 洗手擦干，把试纸插进血糖仪，采一滴指尖血碰到试纸前端。
step-clip-finger-title = 夹好手指
step-clip-finger-body = 把食指伸进血氧仪夹子里，指甲朝上，手放平不要动。
step-measuring-title = 正在测量
step-measuring-body = 请保持不动，不要说话。
glucose-timing-fasting = 空腹（8 小时以上没吃东西）
glucose-timing-two-hour = 饭后 2 小时
glucose-timing-random = 其他时间
result-title = { $measurement }结果
result-category-label = 评估
result-saved = 结果已保存到您的健康记录
result-urgent = 请尽快就医，或联系您的家庭医生
note-irregular-pulse = 脉搏不齐
note-body-movement = 测量时身体动了，结果可能不准，建议安静坐好再测一次
note-cuff-loose = 袖带偏松，结果可能不准，请重新绑好袖带再测一次
value-pulse = 脉搏
value-height = 身高
value-weight = 体重
value-bmi = 体重指数 BMI
value-temperature = 体温
value-glucose = 血糖
value-spo2 = 血氧饱和度
bp-systolic = 收缩压（高压）
bp-diastolic = 舒张压（低压）
unit-mmhg = 毫米汞柱
unit-per-minute = 次/分
unit-cm = 厘米
unit-kg = 千克
unit-bmi = 千克/平方米
unit-celsius = ℃
unit-mmol-per-l = 毫摩尔/升
unit-percent = %
guideline-bp = 依据《中国高血压防治指南》
guideline-bmi = 依据《成人体重判定》WS/T 428
guideline-temperature = 依据《诊断学》发热分度
guideline-glucose = 依据《中国2型糖尿病防治指南》
guideline-spo2 = 依据世界卫生组织《脉搏血氧仪培训手册》
trend-title = 最近 { $count } 次的变化
trend-title-short = 最近几次的变化
trend-band-ok = 正常
trend-band-caution = 注意
trend-band-alert = 偏离
back-home = 返回首页

## Blood pressure categories (crates/core/src/assessment.rs)
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

## My reports
reports-title = 我的报告
reports-empty = 您还没有以前的测量报告。
reports-no-printer = 本站没有打印机，报告可以在这里查看。

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
# Between the items of a list ("气虚质、阳虚质").
list-separator = { "、" }

## Demo mode (simulated hardware)
demo-title = 演示模式
demo-note = 演示用，结果不是真实测量
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
bmi-advice-underweight = 体重偏低，请注意营养，吃够主食和蛋白质，必要时咨询医生。
bmi-advice-normal = 体重正常，请继续保持均衡饮食和适量运动。
bmi-advice-overweight = 体重超重，请控制饮食、少油少糖，每天多走动。
bmi-advice-obese = 体重肥胖，请咨询社区医生，制定减重计划。
temperature-advice-hypothermia = 体温过低，请马上告诉工作人员或联系医生。
temperature-advice-below-normal = 体温稍低，请注意保暖，过一会儿再测一次。
temperature-advice-normal = 体温正常。
temperature-advice-low-fever = 有低热，请多喝水、多休息，持续不退请就医。
temperature-advice-moderate-fever = 有发热，请尽快到医院或社区卫生服务中心就诊。
temperature-advice-high-fever = 高热，请尽快就医。
temperature-advice-hyperpyrexia = 体温很高，请立即联系医生或工作人员。
glucose-advice-low = 血糖偏低，请马上吃点糖或含糖食物，并告诉工作人员。
glucose-advice-normal = 血糖正常，请保持健康饮食。
glucose-advice-random-below-diabetes-range = 随机血糖未达到糖尿病诊断水平，建议定期测量空腹血糖。
glucose-advice-impaired-fasting = 空腹血糖偏高，请少吃甜食和精米白面，近期找医生复查。
glucose-advice-impaired-tolerance = 饭后血糖偏高，请控制饮食、多运动，近期找医生复查。
glucose-advice-diabetes-range = 血糖达到糖尿病诊断水平，请尽快到医院确诊。
spo2-advice-very-low = 血氧很低，请立即联系医生或工作人员。
spo2-advice-low = 血氧偏低，请休息后再测一次，仍然偏低请就医。
spo2-advice-normal = 血氧正常。
advice-see-doctor = 请咨询医生。

## Another resident's card during a visit
switch-title = 要换成 { $name } 吗？
switch-body = 刚刚放上了另一位居民的证件。换人后，当前的使用会结束。
switch-keep = 不换，继续使用
switch-confirm = 换成这位居民

## Health QR code (电子健康卡 / 医保电子凭证)
scan-qr-title = 请出示健康码
scan-qr-body = 打开手机上的电子健康卡或医保电子凭证，把二维码对准屏幕上方的摄像头，保持不动。
scan-back = 返回
scan-hint-not-a-health-code = 这不是电子健康卡或医保码，请换成健康码
scan-hint-hold-steady = 看到了二维码，请拿稳手机，再靠近一点
scan-hint-one-at-a-time = 请一次只出示一个健康码
notice-camera-unavailable = 摄像头暂时不能使用，请插卡或联系工作人员
notice-qr-not-found = 没有扫到健康码，请再试一次或插卡
notice-qr-rejected = 这个健康码已失效，请刷新后再试或插卡
home-greeting-unverified = 您好（健康码 { $code }，身份未核验）

## Face (separate consent, framing guide)
face-consent-title = 刷脸前，请您确认
face-consent-body = 刷脸需要用摄像头拍一张您的面部照片。
face-consent-purpose = 照片只用于这一次核对身份。
face-consent-not-kept = 照片不保存、不上传，核对后立即删除。
face-consent-other-ways = 不同意也没关系，您可以插卡或出示健康码。
face-consent-agree = 同意，开始刷脸
face-consent-decline = 不同意
face-scan-title = 请看向屏幕
face-scan-body = 请正对屏幕，摘下帽子和口罩，保持不动。
face-hint-no-face = 没有看到人脸，请正对屏幕
face-hint-several-faces = 请只留一个人在镜头前
face-hint-too-far = 请靠近一点
face-hint-too-close = 请离远一点
face-hint-too-dark = 光线太暗，请站到亮一点的地方
face-hint-off-centre = 请站到屏幕正中间
face-hint-hold-still = 很好，请保持不动
notice-face-not-configured = 刷脸核验暂未接入平台，照片已删除。请插卡或出示健康码
notice-face-not-captured = 没有拍到合适的照片，请再试一次或插卡
notice-record-failed = 本站的记录没有保存成功，请联系工作人员
notice-reader-missing = 读卡器未连接，请联系工作人员
notice-device-stale-record = 设备送来的是以前存的结果，没有采用。请在设备上重新测量
notice-history-needs-verified-identity = 身份还没有核验，不能查看以前的报告。请插卡或放身份证后再看
notice-store-restored = 本站的记录曾经损坏，已经用备份恢复，备份之后的记录可能丢失。请工作人员查看
notice-fault-reported = 已记录故障，工作人员会尽快处理，谢谢
report-fault = 报告故障

# Staff-assisted manual entry (a staff badge tapped during a resident's visit)
manual-entry-title = 工作人员录入
manual-entry-staff = 工作人员卡 { $badge }
manual-entry-choose = 请选择要录入的项目
manual-entry-range = 范围 { $min }–{ $max }
manual-entry-save = 保存
manual-entry-delete = 删除
manual-entry-timing = 测量时间
manual-entry-timing-missing = 请选择测量时间
manual-error-missing = 请填写
manual-error-not-a-number = 请只输入数字
manual-error-decimals = 小数位太多
manual-error-range = 超出范围
manual-error-diastolic = 舒张压应低于收缩压
source-device = 测量设备：{ $model }
source-staff = 由工作人员录入（工作人员卡 { $badge }）
source-demo = 演示数据，不是真实测量

## Screen layout (issue 12): settings, scroll arrows, the results gauge, trend dates
settings-title = 显示和声音
scroll-up = 向上翻
scroll-down = 向下翻
gauge-very-low = 很低
gauge-low = 偏低
gauge-normal = 正常
gauge-high-normal = 正常高值
gauge-raised = 偏高
gauge-high = 高
gauge-very-high = 很高
gauge-summary = { $label } { $value }，在“{ $band }”一段
gauge-other-decides = 刻度按{ $label }画出；评估按高压和低压中较高的一项
trend-this-time = 这次
trend-last-time = 上次 { $date }
trend-date = { $month }{ $day }日
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月

## Staff admin mode
admin-pin-title = 工作人员管理 · 输入密码
admin-pin-holder = 工作人员卡 { $badge }
admin-pin-station = 本站密码
admin-pin-enter = 请输入密码
admin-pin-choose = 还没有密码：请设一个 4 到 12 位的数字密码
admin-pin-confirm = 请再输入一次新密码
admin-pin-typed = 已输入 { $count } 位
admin-pin-submit = 确定
admin-pin-wrong = 密码不对，还可以试 { $tries } 次
admin-pin-locked = 密码错误次数太多，{ $until } 以前不能进入
admin-pin-bad-length = 密码要 4 到 12 位数字
admin-pin-mismatch = 两次输入的密码不一样，请重新设置
admin-pin-unavailable = 暂时不能核对密码，请查看日志或联系运维人员
admin-title = 工作人员管理
admin-staff = 工作人员卡 { $badge }
admin-section-today = 今日与本周
admin-section-devices = 设备
admin-section-settings = 设置
admin-section-logs = 问题记录
admin-section-faults = 报告故障
admin-today = 今天
admin-week = 最近 7 天
admin-count-visits = 服务人次
admin-count-readings = 测量次数
admin-count-printed = 打印报告
admin-count-faults = 故障
admin-device-card-reader = 社保卡读卡器
admin-device-id-card-reader = 身份证读卡器
admin-device-camera = 摄像头
admin-device-printer = 打印机
admin-device-voice = 语音
admin-device-clinic-link = 远程问诊连接
admin-status-ready = 正常
admin-status-fault = 故障
admin-status-not-configured = 未配置
admin-status-on-use = 使用时连接
admin-test = 自检
admin-setting-volume = 音量
admin-setting-idle = 无操作多久提醒（秒）
admin-setting-locale = 默认语言
admin-setting-paper = 纸张
admin-paper-a4 = A4
admin-paper-receipt = 80 毫米小票
admin-louder = 大一点
admin-quieter = 小一点
admin-longer = 长一点
admin-shorter = 短一点
admin-no-problems = 最近没有问题记录
admin-leave = 退出管理
admin-exit-desktop = 关闭自助机，回到桌面
admin-msg-test-page-printing = 正在打印测试页
admin-msg-test-page-printed = 测试页已打印
admin-msg-test-page-failed = 测试页没有打印出来，请检查打印机
admin-msg-prompt-played = 已播放一段语音，请听是否清楚
admin-msg-camera-previewing = 这是摄像头现在的画面，请看是否清楚
admin-msg-camera-works = 摄像头能拍到画面
admin-msg-camera-failed = 摄像头打不开，请检查连接
admin-msg-setting-saved = 设置已保存
admin-msg-setting-refused = 这个设置没有保存：数值不合要求
admin-msg-restart-to-apply = 已保存，重新启动自助机后生效
admin-msg-fault-filed = 故障已记录，等待上报平台
admin-msg-fault-not-filed = 故障没有记录成功，请查看问题记录
admin-msg-diagnostics-saved = 诊断包已保存（日志已隐去个人信息）
admin-msg-diagnostics-failed = 诊断包没有保存成功，请检查U盘后再试
admin-save-diagnostics = 保存诊断包到U盘
admin-saved-to = 保存位置：{ $path }
admin-fault-device = 哪个设备
admin-fault-problem = 什么问题
admin-fault-submit = 提交故障报告
admin-fault-station = 整个自助机
admin-fault-by-staff = 工作人员报告
admin-fault-by-resident = 居民报告
admin-fault-waiting = 待上报
admin-fault-uploaded = 已上报
admin-fault-list = 最近的故障报告
admin-no-faults = 还没有故障报告
fault-problem-not-working = 完全不能用
fault-problem-intermittent = 时好时坏
fault-problem-wrong-values = 结果不对
fault-problem-needs-supplies = 缺耗材（纸、试纸等）
fault-problem-damaged = 损坏
fault-problem-other = 其他问题

## Cloud clinic (呼叫医生, Wenzhou 6.3.3.2)
result-urgent-clinic = 请尽快就医。您也可以点“呼叫医生”，请医生视频看诊
clinic-waiting-title = 呼叫医生
clinic-waiting-lead = 正在为您呼叫医生，请稍候
clinic-position = 您排在第 { $position } 位
clinic-position-unknown = 正在排队…
clinic-wait = 预计等待约 { $minutes } 分钟
clinic-back-in-line = 医生的连接断开了，您在队伍最前面
clinic-reconnecting = 网络中断，正在重新连接…
clinic-leave = 离开
clinic-call-title = 视频问诊
clinic-call-doctor = { $doctor }已接诊
clinic-call-vitals = 您这次的 { $count } 项测量结果已发给医生
clinic-call-no-vitals = 您这次还没有测量结果
clinic-quality-connecting = 正在接通画面…
clinic-quality-good = 画面清晰
clinic-quality-poor = 画面不太流畅，请稍候
clinic-quality-lost = 画面中断了，正在恢复
clinic-call-prescribed = 医生已开处方，挂断后可以查看和打印
clinic-hang-up = 挂断
clinic-volume = 音量
clinic-volume-down = 小声一点
clinic-volume-up = 大声一点
prescription-title = 医生处方
prescription-doctor = 开方医生：{ $doctor }
prescription-drug = 药品
prescription-dose = 每次用量
prescription-quantity = 数量
prescription-usage = 用法
prescription-pickup-code = 取药码：{ $code }
prescription-take-slip = 请打印取药单，凭单到药房取药
print-prescription = 打印取药单
notice-clinic-offline = 暂时连不上医生，请稍后再试，或联系工作人员
notice-clinic-call-ended = 医生已结束通话
notice-clinic-back-in-line = 医生的连接断开了，您已回到队伍最前面
notice-clinic-reconnecting = 网络中断，正在重新连接，请稍候
notice-clinic-link-lost = 和医生的连接中断了，请稍后再呼叫医生
clinic-measure = 测量（通话不中断）
clinic-banner-in-call = 正在和{ $doctor }通话
clinic-return = 返回通话
clinic-banner-prescription = { $doctor }给您开了处方
clinic-see-prescription = 查看处方
prescription-take-to-cabinet = 请打印取药单，在本站取药柜输入取药码取药
