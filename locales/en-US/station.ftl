# Screen text of the kiosk (en-US: every id of zh-CN).

## Welcome
welcome-title = Welcome
welcome-insert-card = Please insert your social security or medical insurance card
welcome-insert-hint = Chip facing up, into the card slot
welcome-place-id-card = Or place your ID card on the reader
welcome-other-ways = Other ways to identify
identify-id-card = ID card
identify-health-qr = Health card / insurance QR
identify-face = Face
welcome-clock = Time now { $time }

## Closed
closed-title = The station is closed now
closed-hours = Opening hours: every day { $opens } to { $closes }

## Card
reading-card-title = Reading your card
reading-card-hint = Please do not remove the card

## Home
home-greeting = Hello, { $name }
home-title = Please choose a service
service-self-test = Health self-test
service-reports = My reports
service-records = Health record
service-appointment = Book appointment
service-call-doctor = Call a doctor
logout = Exit
tile-coming-soon = Not available yet

## Self-test (guided measurements; crates/protocol/src/measure.rs)
self-test-title = What would you like to measure?
tile-no-device = No device at this station
measure-blood-pressure = Blood pressure
measure-body = Height and weight
measure-temperature = Temperature
measure-glucose = Blood sugar
measure-spo2 = Blood oxygen and pulse
measure-step-label = Step { $step } of { $steps }
measure-next = Next
measure-start = Start measuring
measure-retry = Measure again
measure-other = Measure something else
print-report = Print report
step-sit-title = Sit down and rest
step-sit-body = Sit on the chair with both feet flat and rest quietly for a moment.
step-cuff-title = Put on the cuff
step-cuff-body = Wrap the cuff around your left upper arm, level with your heart.
step-stand-on-scale-title = Step onto the scale
step-stand-on-scale-body = Take off your shoes and coat, stand straight with your back to the pole and look ahead.
step-place-thermometer-title = Take your temperature
step-place-thermometer-body = Point the thermometer at the middle of your forehead, one or two centimetres away, without touching.
step-glucose-timing-title = When did you last eat?
step-glucose-timing-body = Please choose one: blood sugar is judged by the time since your meal.
step-prepare-strip-title = Prepare the test
step-prepare-strip-body = Wash and dry your hands, put a strip into the meter and touch a drop of fingertip blood to the strip.
step-clip-finger-title = Clip your finger
step-clip-finger-body = Put your index finger into the clip, nail up, and keep your hand flat and still.
step-measuring-title = Measuring
step-measuring-body = Please keep still and do not talk.
glucose-timing-fasting = Fasting (nothing eaten for 8 hours or more)
glucose-timing-two-hour = 2 hours after a meal
glucose-timing-random = Another time
result-title = Your { $measurement } result
result-category-label = Assessment
result-saved = Saved to your health record
result-urgent = Please see a doctor soon, or contact your family doctor
note-irregular-pulse = Irregular pulse
note-body-movement = You moved during the measurement; the result may be off. Please sit still and measure again
note-cuff-loose = The cuff was loose; the result may be off. Please fasten the cuff and measure again
value-pulse = Pulse
value-height = Height
value-weight = Weight
value-bmi = Body mass index (BMI)
value-temperature = Temperature
value-glucose = Blood sugar
value-spo2 = Blood oxygen (SpO2)
bp-systolic = Systolic (upper)
bp-diastolic = Diastolic (lower)
unit-mmhg = mmHg
unit-per-minute = per minute
unit-cm = cm
unit-kg = kg
unit-bmi = kg/m²
unit-celsius = °C
unit-mmol-per-l = mmol/L
unit-percent = %
guideline-bp = Judged by the Chinese hypertension guideline
guideline-bmi = Judged by the Chinese adult weight standard WS/T 428
guideline-temperature = Judged by the fever grades of Diagnostics
guideline-glucose = Judged by the Chinese type 2 diabetes guideline
guideline-spo2 = Judged by the WHO pulse oximetry training manual
trend-title = Your last { $count } readings
trend-title-short = Your recent readings
trend-band-ok = Normal
trend-band-caution = Watch
trend-band-alert = Out of range
back-home = Back to services

## Blood pressure categories (crates/core/src/assessment.rs)
bp-category-normal = Normal
bp-category-high-normal = High-normal
bp-category-grade1 = Grade 1 hypertension (mild)
bp-category-grade2 = Grade 2 hypertension (moderate)
bp-category-grade3 = Grade 3 hypertension (severe)
bp-isolated-systolic = Isolated systolic hypertension
bp-advice-normal = Your blood pressure is normal. Keep eating lightly and stay active.
bp-advice-high-normal = Your blood pressure is a little high. Eat less salt, move more and measure regularly.
bp-advice-grade1 = Your blood pressure is raised. Please see your community doctor soon.
bp-advice-grade2 = Your blood pressure is clearly raised. Please see a doctor as soon as you can.
bp-advice-grade3 = Your blood pressure is very high. Please contact a doctor or staff member now.

## My reports
reports-title = My reports
reports-empty = You have no earlier reports yet.
reports-no-printer = This station has no printer; you can see your reports here.

## Shared controls
replay = Hear it again
dismiss = OK
idle-warning-title = Are you still there?
idle-warning-countdown = Exiting in { $seconds } seconds
keep-using = Continue

## Goodbye
goodbye-title = Thank you, goodbye
goodbye-take-card = Please take your card

## Notices
notice-card-unreadable = This card cannot be read. Please insert a social security or medical insurance card
notice-card-pulled-early = The card was removed too soon. Please insert it again
notice-reader-unavailable = The card reader is not working. Please ask a staff member
notice-not-available-yet = This service is not available yet
notice-device-no-response = The device is not responding. Please try again or ask a staff member
notice-save-failed = Your result could not be saved. Please ask a staff member
notice-printing = Printing your report, please wait
notice-printed = Your report is printed. Please take it from the printer
notice-printer-unavailable = The printer is not working right now. Please ask a staff member
notice-id-card-unreadable = The ID card could not be read. Please place it on the reader again

## Settings
settings-language = Language
settings-text-size = Text size
text-size-large = Large
text-size-extra-large = Extra large
settings-contrast = Contrast
contrast-high-light = Dark on light
contrast-high-dark = Light on dark
settings-volume = Volume { $volume }
volume-down = Quieter
volume-up = Louder
locale-zh-CN = 中文
locale-en-US = English
# Between the items of a list ("Qi-deficient, Yang-deficient").
list-separator = { ", " }

## Demo mode (simulated hardware)
demo-title = Demo mode
demo-note = For demonstration: results are not real measurements
demo-insert-card = Insert a simulated card
demo-insert-bad-card = Insert an unreadable card
demo-remove-card = Remove the card
demo-place-id-card = Place a simulated ID card

## Other measurements (assessment categories; crates/core/src/vitals.rs)
bmi-category-underweight = Underweight
bmi-category-normal = Normal weight
bmi-category-overweight = Overweight
bmi-category-obese = Obese
temperature-category-hypothermia = Temperature too low
temperature-category-below-normal = Temperature a little low
temperature-category-normal = Normal temperature
temperature-category-low-fever = Low fever
temperature-category-moderate-fever = Moderate fever
temperature-category-high-fever = High fever
temperature-category-hyperpyrexia = Very high fever
glucose-category-low = Blood sugar low
glucose-category-normal = Blood sugar normal
glucose-category-random-below-diabetes-range = Random blood sugar below the diabetes range
glucose-category-impaired-fasting = Impaired fasting glucose
glucose-category-impaired-tolerance = Impaired glucose tolerance
glucose-category-diabetes-range = In the diabetes range
spo2-category-very-low = Blood oxygen very low
spo2-category-low = Blood oxygen low
spo2-category-normal = Blood oxygen normal
bmi-advice-underweight = You are underweight. Eat enough staple food and protein, and ask a doctor if needed.
bmi-advice-normal = Your weight is normal. Keep a balanced diet and stay active.
bmi-advice-overweight = You are overweight. Eat less oil and sugar, and walk more every day.
bmi-advice-obese = You are obese. Please ask your community doctor for a weight-loss plan.
temperature-advice-hypothermia = Your temperature is too low. Please tell a staff member or contact a doctor now.
temperature-advice-below-normal = Your temperature is a little low. Keep warm and measure again later.
temperature-advice-normal = Your temperature is normal.
temperature-advice-low-fever = You have a low fever. Drink water and rest; see a doctor if it does not go away.
temperature-advice-moderate-fever = You have a fever. Please see a doctor at a hospital or community health centre soon.
temperature-advice-high-fever = You have a high fever. Please see a doctor as soon as you can.
temperature-advice-hyperpyrexia = Your temperature is very high. Please contact a doctor or staff member now.
glucose-advice-low = Your blood sugar is low. Eat something sweet now and tell a staff member.
glucose-advice-normal = Your blood sugar is normal. Keep eating healthily.
glucose-advice-random-below-diabetes-range = This random blood sugar is below the diabetes range. Have your fasting blood sugar checked regularly.
glucose-advice-impaired-fasting = Your fasting blood sugar is high. Eat fewer sweets and refined grains, and see a doctor soon.
glucose-advice-impaired-tolerance = Your blood sugar after meals is high. Watch your diet, move more and see a doctor soon.
glucose-advice-diabetes-range = Your blood sugar is in the diabetes range. Please see a doctor soon to confirm.
spo2-advice-very-low = Your blood oxygen is very low. Please contact a doctor or staff member now.
spo2-advice-low = Your blood oxygen is low. Rest and measure again; see a doctor if it stays low.
spo2-advice-normal = Your blood oxygen is normal.
advice-see-doctor = Please ask a doctor.

## Another resident's card during a visit
switch-title = Switch to { $name }?
switch-body = Another resident's ID card was just placed. Switching ends the current use of the station.
switch-keep = No, keep going
switch-confirm = Switch to this resident

## Health QR code (electronic health card / medical-insurance voucher)
scan-qr-title = Show your health code
scan-qr-body = Open the electronic health card or medical-insurance voucher on your phone, hold the QR code up to the camera above the screen and keep it still.
scan-back = Back
scan-hint-not-a-health-code = This is not a health code. Please show your health code
scan-hint-hold-steady = A code is in view: hold the phone steady and a little closer
scan-hint-one-at-a-time = Please show one health code at a time
notice-camera-unavailable = The camera cannot be used right now. Please insert your card or ask staff
notice-qr-not-found = No health code was found. Please try again or insert your card
notice-qr-rejected = This health code is no longer valid. Please refresh it or insert your card
home-greeting-unverified = Hello (health code { $code }, identity not verified)

## Face (separate consent, framing guide)
face-consent-title = Before we use your face
face-consent-body = Using your face means the camera takes one picture of your face.
face-consent-purpose = The picture is used only to check who you are, this once.
face-consent-not-kept = It is not saved or sent anywhere, and it is deleted right after the check.
face-consent-other-ways = If you say no, you can insert your card or show your health code instead.
face-consent-agree = I agree, start
face-consent-decline = No, thank you
face-scan-title = Please look at the screen
face-scan-body = Face the screen, take off your hat and mask, and keep still.
face-hint-no-face = No face in view: please face the screen
face-hint-several-faces = Only one person in front of the camera, please
face-hint-too-far = Please come a little closer
face-hint-too-close = Please step back a little
face-hint-too-dark = It is too dark: please stand where it is brighter
face-hint-off-centre = Please stand in the middle of the screen
face-hint-hold-still = Good: keep still
notice-face-not-configured = Face checking is not connected to a platform yet; the picture was deleted. Please insert your card or show your health code
notice-face-not-captured = No usable picture was taken. Please try again or insert your card
notice-record-failed = The station could not keep its records. Please ask a member of staff
notice-reader-missing = The card reader is not connected. Please ask a member of staff
notice-device-stale-record = The device sent an earlier stored result, which was not used. Please measure again on the device
notice-history-needs-verified-identity = Your identity is not verified, so earlier reports cannot be shown. Please insert your card or place your ID card to see them
notice-store-restored = The station's records were damaged and have been restored from a backup; records made after that backup may be lost. Staff, please check
notice-fault-reported = The fault is recorded; staff will see to it soon. Thank you
report-fault = Report a fault

# Staff-assisted manual entry (a staff badge tapped during a resident's visit)
manual-entry-title = Staff entry
manual-entry-staff = Staff card { $badge }
manual-entry-choose = Choose what to enter
manual-entry-range = Range { $min }–{ $max }
manual-entry-save = Save
manual-entry-delete = Delete
manual-entry-timing = When measured
manual-entry-timing-missing = Please choose when it was measured
manual-error-missing = Please fill this in
manual-error-not-a-number = Numbers only, please
manual-error-decimals = Too many decimal places
manual-error-range = Out of range
manual-error-diastolic = Diastolic must be below systolic
source-device = Measured by: { $model }
source-staff = Entered by staff (badge { $badge })
source-demo = Demonstration data, not a real measurement

## Screen layout (issue 12): settings, scroll arrows, the results gauge, trend dates
settings-title = Display and sound
scroll-up = Scroll up
scroll-down = Scroll down
gauge-very-low = Very low
gauge-low = Low
gauge-normal = Normal
gauge-high-normal = High normal
gauge-raised = Raised
gauge-high = High
gauge-very-high = Very high
gauge-summary = { $label } { $value }: in the “{ $band }” range
gauge-other-decides = The scale shows { $label }; the assessment goes by the higher of the two pressures
trend-this-time = This time
trend-last-time = Last time, { $date }
trend-date = { $month } { $day }
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

## Staff admin mode
admin-pin-title = Staff admin · PIN
admin-pin-holder = Staff badge { $badge }
admin-pin-station = Station PIN
admin-pin-enter = Please type your PIN
admin-pin-choose = No PIN yet: please choose one of 4 to 12 digits
admin-pin-confirm = Please type the new PIN again
admin-pin-typed = { $count } digits typed
admin-pin-submit = OK
admin-pin-wrong = Wrong PIN. { $tries } tries left
admin-pin-locked = Too many wrong PINs: entry is locked until { $until }
admin-pin-bad-length = A PIN has 4 to 12 digits
admin-pin-mismatch = The two PINs differ. Please choose again
admin-pin-unavailable = The PIN cannot be checked now. See the logs or call maintenance
admin-title = Staff admin
admin-staff = Staff badge { $badge }
admin-section-today = Today and this week
admin-section-devices = Devices
admin-section-settings = Settings
admin-section-logs = Problems
admin-section-faults = Fault reports
admin-today = Today
admin-week = Last 7 days
admin-count-visits = Visits
admin-count-readings = Measurements
admin-count-printed = Reports printed
admin-count-faults = Faults
admin-device-card-reader = Insurance card reader
admin-device-id-card-reader = ID card reader
admin-device-camera = Camera
admin-device-printer = Printer
admin-device-voice = Voice
admin-device-clinic-link = Doctor console link
admin-status-ready = Working
admin-status-fault = Fault
admin-status-not-configured = Not configured
admin-status-on-use = Connects when used
admin-test = Test
admin-setting-volume = Volume
admin-setting-idle = Warn after no touch for (seconds)
admin-setting-locale = Default language
admin-setting-paper = Paper
admin-paper-a4 = A4
admin-paper-receipt = 80 mm receipt
admin-louder = Louder
admin-quieter = Quieter
admin-longer = Longer
admin-shorter = Shorter
admin-no-problems = No problems recorded recently
admin-leave = Leave admin
admin-exit-desktop = Close the kiosk to the desktop
admin-msg-test-page-printing = Printing a test page
admin-msg-test-page-printed = The test page was printed
admin-msg-test-page-failed = The test page was not printed: please check the printer
admin-msg-prompt-played = A prompt was played: check it is clear
admin-msg-camera-previewing = This is the camera's picture now: check that it is clear
admin-msg-camera-works = The camera gives pictures
admin-msg-camera-failed = The camera cannot be opened: please check its cable
admin-msg-setting-saved = Setting saved
admin-msg-setting-refused = This setting was not saved: the value is not allowed
admin-msg-restart-to-apply = Saved; it applies when the kiosk next starts
admin-msg-fault-filed = Fault recorded; waiting to be sent to the platform
admin-msg-fault-not-filed = The fault was not recorded: please look at the problems page
admin-msg-diagnostics-saved = Diagnostics bundle saved (personal data masked)
admin-msg-diagnostics-failed = The diagnostics bundle was not saved: check the USB drive and try again
admin-save-diagnostics = Save diagnostics to a USB drive
admin-saved-to = Saved to: { $path }
admin-fault-device = Which device
admin-fault-problem = What is wrong
admin-fault-submit = File the fault report
admin-fault-station = The whole kiosk
admin-fault-by-staff = Reported by staff
admin-fault-by-resident = Reported by a resident
admin-fault-waiting = Waiting to be sent
admin-fault-uploaded = Sent
admin-fault-list = Latest fault reports
admin-no-faults = No fault reports yet
fault-problem-not-working = Does not work at all
fault-problem-intermittent = Works on and off
fault-problem-wrong-values = Gives wrong results
fault-problem-needs-supplies = Needs supplies (paper, strips…)
fault-problem-damaged = Damaged
fault-problem-other = Another problem

## Cloud clinic (call a doctor, Wenzhou 6.3.3.2)
result-urgent-clinic = Please see a doctor soon. You can also press Call a doctor to see a doctor by video
clinic-waiting-title = Call a doctor
clinic-waiting-lead = Calling a doctor for you, please wait
clinic-position = You are number { $position } in line
clinic-position-unknown = Joining the line…
clinic-wait = Expected wait: about { $minutes } minutes
clinic-back-in-line = The doctor's connection dropped; you are at the front of the line
clinic-reconnecting = The network dropped; reconnecting…
clinic-leave = Leave
clinic-call-title = Video consultation
clinic-call-doctor = { $doctor } has answered
clinic-call-vitals = Your { $count } results from this visit were sent to the doctor
clinic-call-no-vitals = No results from this visit yet
clinic-quality-connecting = Connecting the picture…
clinic-quality-good = The picture is clear
clinic-quality-poor = The picture is choppy, please wait
clinic-quality-lost = The picture stopped; getting it back
clinic-call-prescribed = The doctor has written a prescription; you can see and print it after the call
clinic-hang-up = Hang up
clinic-volume = Volume
clinic-volume-down = Quieter
clinic-volume-up = Louder
prescription-title = Prescription
prescription-doctor = Prescribed by { $doctor }
prescription-drug = Medicine
prescription-dose = Dose
prescription-quantity = Quantity
prescription-usage = How to take
prescription-pickup-code = Pickup code: { $code }
prescription-take-slip = Please print the pickup slip and take it to the pharmacy
print-prescription = Print pickup slip
notice-clinic-offline = The doctors cannot be reached right now. Please try again later, or ask a staff member
notice-clinic-call-ended = The doctor has ended the call
notice-clinic-back-in-line = The doctor's connection dropped; you are back at the front of the line
notice-clinic-reconnecting = The network dropped; reconnecting, please wait
notice-clinic-link-lost = The connection to the doctor was lost. Please call a doctor again later
clinic-measure = Measure (the call stays on)
clinic-banner-in-call = On a call with { $doctor }
clinic-return = Back to the call
clinic-banner-prescription = { $doctor } wrote you a prescription
clinic-see-prescription = See the prescription
prescription-take-to-cabinet = Please print the pickup slip and type the pickup code on this station's medicine cabinet
