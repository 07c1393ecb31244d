"""Writes the .eml fixtures of ShopdeskMailTests: messages the team composed to exercise the
parser (charsets, transfer encodings, nesting, RFC 2047/2231, malformed input, bounces).
Run from this directory: python3 make-fixtures.py"""
import base64, quopri


def w(name, data):
    open(name, 'wb').write(data)


def crlf(text):
    return text.replace(b"\n", b"\r\n")


# 1. Croatian, UTF-8 quoted-printable, a reply with a References chain and a folded encoded-word subject.
body = "Pozdrav,\n\ngdje je moja narudžba #1042? Čekam već tjedan dana.\n\nHvala,\nŽeljka\n".encode('utf-8')
w("croatian-utf8-qp.eml", b"\r\n".join([
    b"Return-Path: <zeljka@example.hr>",
    b"From: =?UTF-8?Q?=C5=BDeljka_Kova=C4=8Di=C4=87?= <zeljka@example.hr>",
    b"To: Podrska <podrska@shop.example>",
    b"Subject: =?UTF-8?Q?Re:_Narud=C5=BEba_#1042_?=",
    b"  =?UTF-8?Q?kasni?=",
    b"Date: Tue, 24 Nov 2026 09:15:02 +0100",
    b"Message-ID: <CAF1042.zk@mail.example.hr>",
    b"In-Reply-To: <reply-2@shop.example>",
    b"References: <first-1@shop.example>\r\n <reply-2@shop.example>",
    b"MIME-Version: 1.0",
    b"Content-Type: text/plain; charset=\"UTF-8\"",
    b"Content-Transfer-Encoding: quoted-printable",
    b"", crlf(quopri.encodestring(body))]))

# 2. Portuguese: multipart/alternative, ISO-8859-1 plain (QP) and Windows-1252 HTML (base64).
plain = "Olá, a minha encomenda chegou danificada. Posso trocar?\nObrigada, Conceição\n"
html = "<html><body><p>Ol&aacute;, a minha <b>encomenda</b> chegou danificada.</p><p>Obrigada, Conceição – “urgente”</p></body></html>"
w("portuguese-alternative-latin1.eml", b"\r\n".join([
    b"From: \"Conceicao Silva\" <conceicao@example.com.br>",
    b"To: suporte@shop.example",
    b"Subject: =?iso-8859-1?B?" + base64.b64encode("Troca de produto não recebido".encode('latin-1')) + b"?=",
    b"Date: 24 Nov 2026 10:00:00 -0300",
    b"Message-ID: <pt-1@example.com.br>",
    b"MIME-Version: 1.0",
    b"Content-Type: multipart/alternative; boundary=\"=_alt_01\"",
    b"",
    b"This is a multi-part message in MIME format.",
    b"--=_alt_01",
    b"Content-Type: text/plain; charset=ISO-8859-1",
    b"Content-Transfer-Encoding: quoted-printable",
    b"", crlf(quopri.encodestring(plain.encode('latin-1'))),
    b"--=_alt_01",
    b"Content-Type: text/html; charset=windows-1252",
    b"Content-Transfer-Encoding: base64",
    b"", crlf(base64.encodebytes(html.encode('cp1252'))),
    b"--=_alt_01--", b""]))

# 3. Russian in KOI8-R: base64 body, a subject split over two encoded words, a date with a comment.
ru_text = "Здравствуйте! Заказ номер 5531 не пришёл. Верните деньги, пожалуйста.\n"
w("russian-koi8r.eml", b"\r\n".join([
    b"From: =?koi8-r?B?" + base64.b64encode("Иван Петров".encode('koi8_r')) + b"?= <ivan@example.ru>",
    b"To: support@shop.example",
    b"Subject: =?KOI8-R?B?" + base64.b64encode("Заказ не".encode('koi8_r')) + b"?=",
    b" =?KOI8-R?B?" + base64.b64encode(" пришёл".encode('koi8_r')) + b"?=",
    b"Message-ID: <ru-5531@example.ru>",
    b"Date: Mon, 23 Nov 2026 18:30:00 +0300 (MSK)",
    b"MIME-Version: 1.0",
    b"Content-Type: text/plain; charset=koi8-r",
    b"Content-Transfer-Encoding: base64",
    b"", crlf(base64.encodebytes(ru_text.encode('koi8_r')))]))

# 4. Nested mixed/related/alternative: Windows-1250 8bit text, an inline cid image, and an
#    attachment whose UTF-8 name is split over RFC 2231 continuations.
hr_text = "Šaljem račun i fotografiju oštećene kutije. Đurđica\n"
png = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + bytes(range(40))
pdf = b"%PDF-1.4\n% fake invoice for tests\n"
w("croatian-mixed-attachments.eml", b"\r\n".join([
    b"From: Durdica <durdica@example.hr>",
    b"To: podrska@shop.example",
    b"Subject: =?windows-1250?Q?Ra=E8un_i_slika?=",
    b"Message-ID: <hr-mixed@example.hr>",
    b"MIME-Version: 1.0",
    b"Content-Type: multipart/mixed; boundary=outer",
    b"",
    b"--outer",
    b"Content-Type: multipart/related; boundary=\"rel\"",
    b"",
    b"--rel",
    b"Content-Type: multipart/alternative; boundary=alt",
    b"",
    b"--alt",
    b"Content-Type: text/plain; charset=windows-1250",
    b"Content-Transfer-Encoding: 8bit",
    b"", hr_text.encode('cp1250'),
    b"--alt",
    b"Content-Type: text/html; charset=utf-8",
    b"", "<p>Šaljem račun i fotografiju <img src=\"cid:box@hr\"></p>".encode('utf-8'),
    b"--alt--",
    b"--rel",
    b"Content-Type: image/png; name=\"kutija.png\"",
    b"Content-ID: <box@hr>",
    b"Content-Disposition: inline",
    b"Content-Transfer-Encoding: base64",
    b"", crlf(base64.encodebytes(png)),
    b"--rel--",
    b"--outer",
    b"Content-Type: application/pdf",
    b"Content-Disposition: attachment;",
    b" filename*0*=UTF-8''Ra%C4%8Dun%20za%20narud;",
    b" filename*1*=%C5%BEbu%201042.pdf",
    b"Content-Transfer-Encoding: base64",
    b"", crlf(base64.encodebytes(pdf)),
    b"--outer--", b""]))

# 5. Malformed: bare LF line ends, an unclosed address, a header line without a colon, a broken
#    encoded word, bad quoted-printable, base64 with junk, and no closing boundary.
w("malformed.eml", b"\n".join([
    b"From: broken sender <broken@example.com",
    b"this line has no colon",
    b"Subject: Half =?utf-8?B?broken =?utf-8?Q?ok=C3=A9?=",
    b"Content-Type: multipart/mixed; boundary=b1",
    b"",
    b"--b1",
    b"Content-Type: text/plain; charset=utf-8",
    b"Content-Transfer-Encoding: quoted-printable",
    b"",
    b"Price is =3D 10 =E2=82=AC and =ZZ stays, soft=",
    b"break joins.",
    b"--b1",
    b"Content-Type: application/octet-stream; name=data.bin",
    b"Content-Transfer-Encoding: base64",
    b"",
    b"AAEC!!AwQF*",
    b"BgcI",
]))

# 6. A bounce: auto-submitted, from the mailer daemon, multipart/report.
w("bounce.eml", b"\r\n".join([
    b"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>",
    b"To: podrska@shop.example",
    b"Subject: Undelivered Mail Returned to Sender",
    b"Auto-Submitted: auto-replied",
    b"Message-ID: <bounce-1@mx.example.com>",
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=r",
    b"",
    b"--r",
    b"Content-Type: text/plain",
    b"",
    b"The mail could not be delivered.",
    b"--r",
    b"Content-Type: message/delivery-status",
    b"",
    b"Final-Recipient: rfc822; nobody@example.org",
    b"Status: 5.1.1",
    b"--r--", b""]))
