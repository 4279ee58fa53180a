"""Small bilingual files with inconsistent segments, for the consistency tests (tests/stages) and
the Ray engine's (tests/engines)."""

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "保存文件"
msgstr "Save the file"

msgid "打开文件"
msgstr "Open the file"

msgid "保存文件。"
msgstr "Store the file."

msgid "另存为"
msgstr "save the file"

msgctxt "menu"
msgid "打开文件"
msgstr "open the FILE"

msgctxt "toolbar"
msgid "保存文件"
msgstr "Keep the file"

msgid "%d"
msgstr "%d"

msgid "Annuler le téléchargement"
msgstr "Annuler le téléchargement"
"""

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="app.txt" source-language="zh-CN" target-language="en" datatype="plaintext">
    <body>
      <trans-unit id="title"><source>年度报告</source><target>Annual report</target></trans-unit>
      <trans-unit id="intro"><source>欢迎</source><target>Welcome</target></trans-unit>
      <trans-unit id="footer"><source>年度报告</source><target>Yearly report</target></trans-unit>
      <trans-unit id="again"><source>年度总结</source><target>Annual Report</target></trans-unit>
      <trans-unit id="third"><source>年度报告</source><target>Report of the year</target></trans-unit>
    </body>
  </file>
</xliff>
"""
