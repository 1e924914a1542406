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

## Blood pressure
bp-title = Blood pressure
bp-step-label = Step { $step } of 3
bp-sit-title = Sit down and rest
bp-sit-body = Sit on the chair, feet flat on the floor, and rest quietly for a moment.
bp-cuff-title = Put on the cuff
bp-cuff-body = Put the cuff on your left upper arm, at the height of your heart.
bp-measuring-title = Measuring
bp-measuring-body = Please keep still and do not talk.
bp-next = Next
bp-start = Start measuring
bp-result-title = Your blood pressure
bp-systolic = Systolic (upper)
bp-diastolic = Diastolic (lower)
bp-pulse = Pulse
unit-mmhg = mmHg
unit-per-minute = per minute
bp-category-label = Assessment
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
bp-saved = Saved to your health record
bp-guideline = Judged by the Chinese hypertension guideline
bp-retry = Measure again
bp-print = Print report
back-home = Back to services

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
notice-staff-mode-not-available = Staff card recognised. Staff mode is not available yet

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

## Demo mode (simulated hardware)
demo-title = Demo mode
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
