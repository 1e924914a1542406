# Printed health report (crates/report).
report-title = 健康报告
report-printed-at = 打印时间：{ $time }
report-name = 姓名：{ $name }
report-id-number = 证件号码：{ $id }
report-this-visit = 本次测量结果
report-taken-at = 测量时间：{ $time }
report-reading-number = 第 { $n } 次
report-earlier = 本次较早的测量：
report-reference = 参考范围 { $range }
report-flag-normal = 正常
report-flag-high = 偏高
report-flag-low = 偏低
report-implausible = 这个读数不太寻常，请重新测量；如有不适，请找医生。
report-no-readings = 本次没有测量结果。
report-more-readings = 另有 { $count } 次测量没有列出，都已保存在您的健康记录中。
report-prescription = 健康处方
report-trend = 血压变化（最近 { $count } 次）
report-trend-total = 共有 { $total } 次记录，图中画出最近 { $count } 次。
report-trend-guideline = 虚线：140/90 参考线
report-report-id = 报告编号：{ $id }
report-qr-hint = 请工作人员扫码查看
report-disclaimer = 本报告仅供参考，不能代替医生的诊断。
report-page = 第 { $page } 页，共 { $pages } 页
report-other-readings = 其他测量
report-urgent = 请尽快就医，或联系您的家庭医生
# The TCM constitution questionnaire (names and advice are in questionnaire.ftl).
report-tcm-taken-at = 填写时间：{ $time }
report-tcm-primary = 体质
report-tcm-tendency = 倾向
report-tcm-review = 结果请由医生判定

## The prescription's pickup slip (cloud clinic)
slip-title = 取药单
slip-doctor = 开方医生：{ $doctor }
slip-pickup-code = 取药码：{ $code }
slip-take-to-pharmacy = 本站暂无取药柜：请凭此单到卫生院药房取药，或等待配送
slip-take-to-cabinet = 请在本站取药柜输入取药码取药
slip-id = 单号：{ $id }
