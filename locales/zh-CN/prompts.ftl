# Spoken prompts: one per screen or step. The recordings under assets/audio/zh-CN/ are made from
# these texts by scripts/make-prompts; re-run it after changing a line here.
prompt-welcome = 欢迎使用智慧健康站。请插入社保卡或医保卡。
prompt-closed = 现在不在开放时间，请在开放时间内再来。
prompt-reading-card = 正在读卡，请不要拔出卡片。
prompt-card-unreadable = 无法识别此卡。请插入社保卡或医保卡，芯片朝上。
prompt-card-pulled-early = 卡片拔出太快，请重新插入卡片。
prompt-reader-unavailable = 读卡器暂时不能使用，请联系工作人员。
prompt-not-available-yet = 这项服务暂未开通。
prompt-home = 请选择您要办理的服务。
prompt-bp-sit = 请坐好，双脚平放，安静休息一会儿。
prompt-bp-cuff = 请把袖带绑在左上臂，和心脏保持同一高度。
prompt-bp-measuring = 正在测量，请保持不动，不要说话。
prompt-bp-result = 测量完成，请看屏幕上的结果。
prompt-device-no-response = 设备没有响应，请重试或联系工作人员。
prompt-save-failed = 结果没有保存成功，请联系工作人员。
prompt-printing = 正在打印报告，请稍候。
prompt-printed = 报告已打印，请从出纸口取走。
prompt-printer-unavailable = 打印机暂时不能使用，请联系工作人员。
prompt-id-card-unreadable = 无法读取身份证，请把身份证重新放好。
prompt-staff-mode-not-available = 已识别工作人员卡，工作人员模式暂未开通。
prompt-idle-warning = 您还在吗？如果还要继续使用，请点击继续使用。
prompt-goodbye = 谢谢使用，请取回您的卡片，再见。
