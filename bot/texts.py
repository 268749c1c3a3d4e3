"""Every user-facing string of the bot, in one place so wording is reviewed together.

Strings holding Telegram HTML say so; placeholders are filled with already-escaped text only.
"""

from __future__ import annotations

EXAMPLES = (
    "消薄飞地累计返利多少？",
    "松阳-余姚山海协作产业园入驻了多少家企业？",
    "余姚市到位援建资金多少？",
)

_EXAMPLE_LINES = "\n".join(f"• {example}" for example in EXAMPLES)

# HTML
START = (
    "您好！我可以回答关于已收录<b>工作简报</b>的问题，并逐字引用原文、注明出处（期号、日期、章节）。\n\n"
    "直接发送问题即可，例如：\n"
    f"{_EXAMPLE_LINES}\n\n"
    "发送 /help 查看全部用法。"
)

# HTML
HELP = (
    "<b>用法</b>\n"
    "• 私聊：直接发送问题。\n"
    "• 群组：@我 提问、回复我的消息，或发送 /ask 问题。\n\n"
    "<b>示例</b>\n"
    f"{_EXAMPLE_LINES}\n\n"
    "<b>命令</b>\n"
    "/ask 问题 — 在群组中提问\n"
    "/briefings — 已收录的简报（标题、期号、日期）\n"
    "/cite — 把本会话上一个回答整理成可粘贴的引用格式\n"
    "/sheet — 本会话收集的会议材料；/sheet docx 导出 Word，/sheet md 导出 Markdown，/sheet clear 清空\n"
    "/help — 本说明\n\n"
    "回答下方的按钮：更多出处、上下文、引用格式、👍/👎 反馈、加入会议材料。\n"
    "例如：问“消薄飞地累计返利多少？”，点“加入会议材料”，再问两三个问题，发送 /sheet docx 即得一份"
    "带原文、出处和历次数字的 Word 会议材料。\n"
    "回答只引用简报原文；简报中没有写到的内容，我会直接说明未找到。"
)

HELP_ADMIN = (
    "\n\n<b>管理员</b>\n"
    "/status — 索引规模、模型与构建时间\n"
    "/reindex — 重新建立索引（期间照常回答）\n"
    "直接发送 .docx / .pdf / .txt / .md 文件即可收录新简报。"
)

COMMANDS = (
    ("ask", "提问（群组中使用）"),
    ("briefings", "已收录的简报"),
    ("cite", "上一个回答的引用格式"),
    ("sheet", "会议材料：收集的回答，/sheet docx 导出"),
    ("help", "用法与示例"),
    ("start", "开始"),
)
ADMIN_COMMANDS = (
    ("status", "索引状态（管理员）"),
    ("reindex", "重建索引（管理员）"),
)

NOT_ALLOWED = "抱歉，您没有使用本机器人的权限。如需开通，请联系管理员。"
ADMIN_ONLY = "该操作仅限管理员。"
APOLOGY = "抱歉，处理时出现内部错误，已记录。请稍后再试。"

LINE_FULL = (
    "您已有 {limit} 个问题在等待回答，会按顺序逐一回复。"
    "这条及随后发来的问题没有排上，请等回答陆续发出后再发送。"
)

ASK_USAGE = "用法：/ask 问题，例如 /ask " + EXAMPLES[0]

NOT_FOUND = "未在已收录的简报中找到与“{question}”直接相关的内容。"
NEAREST = "最接近的章节："
NOT_FOUND_HINT = "可以换个说法，或发送 /briefings 查看已收录的简报。"

AS_OF = "截至 {date}"
SOURCE_PREFIX = "——"
CITE_SOURCE = "出处："
MORE_HEADER = "更多出处"
NO_MORE = "没有更多出处了。"
CONTEXT_HEADER = "上下文"
CITE_HEADER = "引用格式"
CITE_HINT = "（点按代码块即可复制）"
NO_LAST_ANSWER = "本会话还没有可引用的回答。先提一个问题吧。"
NOTHING_TO_CITE = "这个回答没有可引用的原文。"

BUTTON_MORE = "更多出处"
BUTTON_CONTEXT = "上下文"
BUTTON_CITE = "引用格式"
BUTTON_UP = "👍"
BUTTON_DOWN = "👎"
EXPIRED = "这个回答已过期，请重新提问。"
THANKS = "已记录，谢谢反馈！"

BRIEFINGS_HEADER = "已收录 {count} 份简报"
BRIEFINGS_ORDER = "（新的在前）："
BRIEFINGS_EMPTY = "目前还没有收录任何简报。"
BRIEFING_SENTENCES = "{count} 句"

# HTML
STATUS = (
    "<b>索引状态</b>\n"
    "文件：{files}\n"
    "句子：{sentences}\n"
    "向量：{vectors}（维度 {dimension}）\n"
    "模型：<code>{model}</code>\n"
    "构建时间：{built_at}\n"
    "位置：<code>{path}</code>"
)

REINDEX_BUSY = "已有重建任务在进行，请稍候。"
REINDEX_STARTED = "正在重建索引…期间照常回答问题。"
REINDEX_PROGRESS = "正在重建索引…\n{stage}：{done}/{total}"
STAGES = {"read": "读取文件", "embed": "计算向量", "write": "写入索引"}
REINDEX_DONE_TITLE = "索引已更新"
REINDEX_DONE = (
    "文件：{files}（新读取 {indexed}，沿用 {reused}）\n"
    "句子：{sentences}，新计算向量：{embedded}\n"
    "用时：{seconds:.1f} 秒"
)
REINDEX_SKIPPED = "未能读取（已跳过）："
REINDEX_FAILED = "<b>重建失败</b>，仍在使用原索引。\n原因：{reason}"
REINDEX_FAILED_INTERNAL = "<b>重建失败</b>（内部错误，已记录），仍在使用原索引。"

UPLOAD_ADMIN_ONLY = "只有管理员可以上传简报。"
UPLOAD_BAD_TYPE = "不支持该文件类型。请发送 .docx、.pdf、.txt 或 .md 文件。"
UPLOAD_TOO_BIG = "文件太大（{size:.1f} MB），上限为 {limit} MB。"
UPLOAD_BAD_NAME = "文件名无法使用，请改名后重新发送。"
UPLOAD_DOWNLOAD_FAILED = "文件下载失败，请稍后重新发送。"
UPLOAD_UNREADABLE = "无法读取该文件，未保存。\n原因：{reason}"
UPLOAD_SAVED = "已保存为 <code>{name}</code>，开始建立索引…"
UPLOAD_SAME = "相同内容的文件已存在：<code>{name}</code>，无需重复收录。"
UPLOAD_CORRUPT = "文件已损坏或格式无法识别"
UPLOAD_EMPTY = "文件中没有可读取的文字"

HISTORY_HEADER = "此前各期："

BUTTON_SHEET = "加入会议材料"
SHEET_ADDED = "已加入会议材料（共 {count} 条）。发送 /sheet 查看，/sheet docx 导出。"
SHEET_ALREADY = "这个回答已在会议材料中。"
SHEET_FULL = "会议材料已有 {limit} 条，达到上限。请先发送 /sheet 删除几条，或 /sheet clear 清空，再加入。"
SHEET_EMPTY = "本会话还没有收集会议材料。在回答下方点“加入会议材料”即可收集，之后发送 /sheet docx 导出。"
SHEET_HEADER = "会议材料（{count} 条）"
SHEET_FOOTER = "发送 /sheet docx 导出 Word，/sheet md 导出 Markdown，/sheet clear 清空；点下方按钮删除某一条。"
SHEET_NOT_FOUND = "（简报中未找到）"
SHEET_REMOVE = "删除 {number}"
SHEET_REMOVED = "已删除。"
SHEET_GONE = "这一条已不在会议材料中。"
SHEET_CLEARED = "已清空会议材料（{count} 条）。"
SHEET_USAGE = "用法：/sheet 查看，/sheet docx 或 /sheet md 导出，/sheet clear 清空。"
SHEET_CAPTION = "会议材料：{count} 个问题"
SHEET_FILE = "会议材料-{date}.{ext}"
