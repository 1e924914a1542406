# TCM constitution identification for older adults (crates/questionnaire).
# Translated from 老年人中医药健康管理服务记录表, national basic public health service specification (2017).
# Questions 9, 14, 17 and 28 print their own anchors under the answers: attributes .answer-1 … .answer-5.

tcm-questionnaire-title = Body constitution check (Chinese medicine)
tcm-questionnaire-intro = Please answer thinking about how you have usually felt over the past year.

tcm-answer-1 = Never (not at all)
tcm-answer-2 = Rarely (a little, now and then)
tcm-answer-3 = Sometimes (somewhat, some of the time)
tcm-answer-4 = Often (quite, most of the time)
tcm-answer-5 = Always (very, every day)

tcm-q01 = Do you feel full of energy? (in good spirits and glad to do things)
tcm-q02 = Do you tire easily? (for example, tired after a little activity or light housework)
tcm-q03 = Do you get short of breath, breathing fast or unable to catch your breath?
tcm-q04 = Is your voice weak and low? (no strength when speaking)
tcm-q05 = Do you feel gloomy or low in mood?
tcm-q06 = Do you easily feel tense, anxious or restless? (when something comes up)
tcm-q07 = Do you feel lonely or lost because your life has changed?
tcm-q08 = Are you easily frightened or startled?
tcm-q09 = Does your body feel heavy, as if overweight?
    .answer-1 = BMI below 24
    .answer-2 = BMI 24 to under 25
    .answer-3 = BMI 25 to under 26
    .answer-4 = BMI 26 to under 28
    .answer-5 = BMI 28 or more
tcm-q10 = Do your eyes feel dry?
tcm-q11 = Are your hands and feet cold? (not because the room is cold or you are lightly dressed)
tcm-q12 = Do you feel cold in the upper belly, back, lower back or knees? (in one or more of these places)
tcm-q13 = Do you bear cold less well than other people? (winter cold, or air conditioning and fans in summer)
tcm-q14 = Do you catch colds easily? (how many colds a year)
    .answer-1 = Fewer than 2 a year
    .answer-2 = 2 to 4 a year
    .answer-3 = 5 to 6 a year
    .answer-4 = 8 or more a year
    .answer-5 = Almost every month
tcm-q15 = Do you get a blocked or runny nose even without a cold?
tcm-q16 = Does your mouth feel sticky or greasy, or do you snore?
tcm-q17 = Are you prone to allergies? (to medicines, foods, smells, pollen, or when the season or weather changes)
    .answer-1 = Never
    .answer-2 = 1 or 2 times a year
    .answer-3 = 3 or 4 times a year
    .answer-4 = 5 or 6 times a year
    .answer-5 = Every time I meet one of these
tcm-q18 = Do you easily get hives (itchy raised patches) on your skin?
tcm-q19 = Do bruises or bleeding under the skin appear without you knowing why? (without any injury)
tcm-q20 = Does your skin turn red and show marks as soon as it is scratched? (by a fingernail or something blunt)
tcm-q21 = Are your skin or lips dry?
tcm-q22 = Do you have numbness in your limbs, or pain that stays in one place?
tcm-q23 = Does your face or nose feel greasy or look shiny?
tcm-q24 = Is your face or the skin around your eyes dull and dark, or do you have brown patches or spots?
tcm-q25 = Do you get eczema, boils or sores on your skin?
tcm-q26 = Do your mouth and throat feel dry, so that you always want to drink?
tcm-q27 = Do you have a bitter taste or a bad smell in your mouth?
tcm-q28 = Is your belly large? (fat around the belly)
    .answer-1 = Waist under 80 cm
    .answer-2 = Waist 80 to 85 cm
    .answer-3 = Waist 86 to 90 cm
    .answer-4 = Waist 91 to 105 cm
    .answer-5 = Waist over 105 cm
tcm-q29 = Do cold foods or drinks make you uncomfortable, or do you avoid them?
tcm-q30 = Are your stools sticky, or do you feel you have not finished? (stools stick to the toilet bowl)
tcm-q31 = Are your stools often dry and hard?
tcm-q32 = Is the coating on your tongue thick and greasy, or does it feel thick? (staff can look if you are not sure)
tcm-q33 = Are the veins under your tongue dark purple or swollen? (staff can help you look)

tcm-constitution-pinghe = Balanced
tcm-constitution-qixu = Qi deficiency
tcm-constitution-yangxu = Yang deficiency
tcm-constitution-yinxu = Yin deficiency
tcm-constitution-tanshi = Phlegm-dampness
tcm-constitution-shire = Damp-heat
tcm-constitution-xueyu = Blood stasis
tcm-constitution-qiyu = Qi stagnation
tcm-constitution-tebing = Allergic (inherited special)

tcm-result-yes = Yes
tcm-result-tendency = Leaning towards
tcm-result-basically = Mostly yes
tcm-result-no = No

# One plain line each: everyday habits only, no treatment claims.
tcm-advice-pinghe = Your body is in good balance. Keep regular meals and sleep, stay active and keep a cheerful mood.
tcm-advice-qixu = Do not overtire yourself; rest when tired. Gentle walks or tai chi are good, and eat at regular times.
tcm-advice-yangxu = Keep warm, especially your lower back, belly and feet. Eat less cold food and enjoy the sun on fine days.
tcm-advice-yinxu = Drink warm water, eat less spicy and fried food, and go to bed early rather than staying up late.
tcm-advice-tanshi = Eat light meals with less fat and sugar, stop before you are full, and take a walk every day.
tcm-advice-shire = Eat light meals with less spice and fat, drink less alcohol, and keep your home airy and dry.
tcm-advice-xueyu = Move your body every day and keep warm. If you often see bruises or have pain, tell your doctor.
tcm-advice-qiyu = Chat with family and friends, get out of the house often, and share your worries when you feel down.
tcm-advice-tebing = Stay away from things you are allergic to and take care when the season changes. Tell your doctor you have allergies.

# Kiosk screens of the questionnaire (ui/src/screens/questionnaire.rs).
tcm-progress = Question { $number } of { $total }
tcm-previous = Previous question
tcm-result-title = Your TCM constitution
tcm-your-constitution = Your constitution
tcm-your-tendency = Tending towards
tcm-needs-review = Please have a doctor interpret this result.
tcm-source = By the national basic public health service specification (older adults, TCM)
