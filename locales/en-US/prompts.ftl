# Spoken prompts: one per screen or step. The recordings under assets/audio/en-US/ are made from
# these texts by scripts/make-prompts; re-run it after changing a line here.
prompt-welcome = Welcome to the health station. Please insert your social security or medical insurance card.
prompt-closed = The station is closed now. Please come back during opening hours.
prompt-reading-card = Reading your card. Please do not remove it.
prompt-card-unreadable = This card cannot be read. Please insert a social security or medical insurance card, chip facing up.
prompt-card-pulled-early = The card was removed too soon. Please insert it again.
prompt-reader-unavailable = The card reader is not working right now. Please ask a staff member.
prompt-not-available-yet = This service is not available yet.
prompt-home = Please choose a service.
prompt-bp-sit = Please sit down, feet flat on the floor, and rest for a moment.
prompt-bp-cuff = Put the cuff on your left upper arm, at the height of your heart.
prompt-bp-measuring = Measuring. Please keep still and do not talk.
prompt-bp-result = Done. Please look at your result on the screen.
prompt-device-no-response = The device is not responding. Please try again or ask a staff member.
prompt-save-failed = Your result could not be saved. Please ask a staff member.
prompt-printing = Printing your report, please wait.
prompt-printed = Your report is printed. Please take it from the printer.
prompt-printer-unavailable = The printer is not working right now. Please ask a staff member.
prompt-id-card-unreadable = The ID card could not be read. Please place it on the reader again.
prompt-staff-mode-not-available = Staff card recognised. Staff mode is not available yet.
prompt-idle-warning = Are you still there? To keep going, press Continue.
prompt-goodbye = Thank you. Please take your card. Goodbye.
