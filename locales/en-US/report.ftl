# Printed health report (crates/report).
report-title = Health report
report-printed-at = Printed: { $time }
report-name = Name: { $name }
report-id-number = ID number: { $id }
report-this-visit = Today's readings
report-taken-at = Measured: { $time }
report-reading-number = Reading { $n }
report-earlier = Earlier today:
report-reference = Normal range { $range }
report-flag-normal = normal
report-flag-high = high
report-flag-low = low
report-implausible = This reading is unusual. Please measure again, and see a doctor if you feel unwell.
report-no-readings = No readings were taken in this visit.
report-more-readings = { $count } more readings are not listed here; all are saved in your health record.
report-prescription = Health advice
report-trend = Blood pressure trend (last { $count })
report-trend-total = { $total } readings on record; the chart shows the last { $count }.
report-trend-guideline = Dashed lines: 140/90 guideline
report-report-id = Report no.: { $id }
report-qr-hint = For staff to scan
report-disclaimer = This report is for your information and does not replace a doctor's diagnosis.
report-page = Page { $page } of { $pages }
report-other-readings = Other measurements
report-urgent = Please see a doctor soon, or contact your family doctor
# The TCM constitution questionnaire (names and advice are in questionnaire.ftl).
report-tcm-taken-at = Completed: { $time }
report-tcm-primary = Constitution
report-tcm-tendency = Tending towards
report-tcm-review = Please have a doctor interpret this result

## The prescription's pickup slip (cloud clinic)
slip-title = Medicine pickup slip
slip-doctor = Prescribed by { $doctor }
slip-pickup-code = Pickup code: { $code }
slip-take-to-pharmacy = This station has no medicine cabinet: take this slip to the health centre's pharmacy, or wait for delivery
slip-take-to-cabinet = Type the pickup code on this station's medicine cabinet to collect your medicines
slip-id = Slip no. { $id }
