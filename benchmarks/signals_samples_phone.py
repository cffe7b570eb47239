"""Hand-written phone-system notices for the signals corpus, after each system's documented
notification format (see build_signals_corpus.py).

(name, system, status, number E.164 or None, duration seconds or None, Date, From, subject,
extra headers, body)
"""

PHONE = [
    ("call-gvoice-01", "google_voice", "voicemail", "+14155550199", None, "Mon, 06 Jul 2026 15:14:00 -0700",
     "Google Voice <voice-noreply@google.com>", "New voicemail from (415) 555-0199 at 3:14 PM", {},
     "Hi Alex, this is Jane calling about the backend role, please give me a call back when you can. Thanks!\n\nplay message\n\n"
     "YOUR ACCOUNT HELP CENTER HELP FORUM\nTo respond to this message, visit Google Voice.\n"),
    ("call-gvoice-02", "google_voice", "missed", "+16505550123", None, "Tue, 07 Jul 2026 10:02:00 -0700",
     "Google Voice <voice-noreply@google.com>", "New missed call from (650) 555-0123", {},
     "Missed call from (650) 555-0123 at 10:02 AM\n\nYOUR ACCOUNT HELP CENTER HELP FORUM\nGoogle Voice\n"),
    ("call-gvoice-03", "google_voice", "voicemail", "+13125550147", None, "Wed, 08 Jul 2026 09:30:00 -0500",
     "\"Mark Chen (SMS)\" <16505550100.13125550147.abcd@txt.voice.google.com>", "New voicemail from Mark Chen (312) 555-0147", {},
     "Hey, it's Mark. Returning your call about the platform lead job.\n\nplay message\n"),
    ("call-asterisk-01", "asterisk", "voicemail", "+14155550123", 23, "Mon, 06 Jul 2026 10:15:02 -0700",
     "\"Asterisk PBX\" <asterisk@pbx.talent.example>", "[PBX]: New message 1 in mailbox 201",
     {"X-Asterisk-VM-Message-Num": "1", "X-Asterisk-VM-Server-Name": "pbx", "X-Asterisk-VM-Context": "default",
      "X-Asterisk-VM-Extension": "201", "X-Asterisk-VM-Caller-ID-Num": "4155550123",
      "X-Asterisk-VM-Caller-ID-Name": "Jane Doe", "X-Asterisk-VM-Duration": "23", "X-Asterisk-VM-Category": "",
      "X-Asterisk-VM-Orig-date": "Monday, July 06, 2026 at 10:15:02 AM"},
     "Dear Alex:\n\n\tjust wanted to let you know you were just left a 0:23 long message (number 1)\n"
     "in mailbox 201 from Jane Doe <4155550123>, on Monday, July 06, 2026 at 10:15:02 AM\n"
     "so you might want to check it when you get a chance.  Thanks!\n\n\t\t\t\t--Asterisk\n"),
    ("call-asterisk-02", "asterisk", "voicemail", "+12125550111", 41, "Tue, 07 Jul 2026 16:40:00 -0400",
     "\"Voicemail System\" <vm@freepbx.acme.example>", "[PBX]: New message 3 in mailbox 305",
     {"X-Asterisk-VM-Message-Num": "3", "X-Asterisk-VM-Context": "from-internal", "X-Asterisk-VM-Extension": "305",
      "X-Asterisk-VM-Caller-ID-Num": "+12125550111", "X-Asterisk-VM-Caller-ID-Name": "WIRELESS CALLER",
      "X-Asterisk-VM-Duration": "41"},
     "Dear Sam:\n\n\tjust wanted to let you know you were just left a 0:41 long message (number 3)\n"
     "in mailbox 305 from \"WIRELESS CALLER\" <+12125550111>, on Tuesday, July 07, 2026 at 04:40:00 PM\n"
     "so you might want to check it when you get a chance.  Thanks!\n\n--FreePBX\n"),
    ("call-asterisk-03", "asterisk", "voicemail", None, 9, "Wed, 08 Jul 2026 11:00:00 +0200",
     "\"PBX\" <asterisk@pbx.talent.example>", "[PBX]: New message 2 in mailbox 201",
     {"X-Asterisk-VM-Message-Num": "2", "X-Asterisk-VM-Caller-ID-Num": "205", "X-Asterisk-VM-Caller-ID-Name": "Reception",
      "X-Asterisk-VM-Duration": "9"},
     "Dear Alex:\n\n\tjust wanted to let you know you were just left a 0:09 long message (number 2)\n"
     "in mailbox 201 from Reception <205>, on Wednesday, July 08, 2026 at 11:00:00 AM\n"),
    ("call-teams-01", "teams", "missed", "+14155550166", None, "Thu, 09 Jul 2026 09:12:00 +0000",
     "Microsoft Teams <noreply@email.teams.microsoft.com>", "You missed a call from Jane Doe", {},
     "Jane Doe (+1 415-555-0166) tried to reach you.\n\nCall back\n\nMicrosoft Teams\nYou are receiving this email because you have missed-call notifications turned on.\n"),
    ("call-teams-02", "teams", "voicemail", "+442079460958", 37, "Fri, 10 Jul 2026 14:05:00 +0100",
     "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.example>", "Voicemail from +44 20 7946 0958 (37 seconds)", {},
     "You received a voice mail from +44 20 7946 0958.\n\nTranscription Preview:\nHi, it's Oliver from Fabrikam, calling about the interview on Monday. Please call me back.\n\n"
     "Duration: 0:37\n\nMicrosoft Teams voicemail\n"),
    ("call-rc-01", "ringcentral", "voicemail", "+16505550123", 37, "Tue, 07 Jul 2026 10:15:00 -0700",
     "RingCentral <service@ringcentral.com>", "New Voice Message from WIRELESS CALLER (650) 555-0123 on Tuesday, July 07, 2026 at 10:15 AM", {},
     "You have a new voice message:\n\nFrom: WIRELESS CALLER (650) 555-0123\nReceived: Tuesday, July 07, 2026 at 10:15 AM\n"
     "Length: 00:00:37\nTo: Alex Recruiter (ext 101)\n\nTranscription:\nHi Alex, this is Priya. I saw your message about the role, call me back please.\n\n"
     "Thank you for choosing RingCentral.\n"),
    ("call-rc-02", "ringcentral", "missed", "+14085550188", None, "Wed, 08 Jul 2026 13:22:00 -0700",
     "RingCentral <notify@ringcentral.com>", "Missed Call from (408) 555-0188", {},
     "You have a missed call:\n\nFrom: (408) 555-0188\nReceived: Wednesday, July 08, 2026 at 1:22 PM\nTo: Alex Recruiter (ext 101)\n\nRingCentral\n"),
    ("call-zoom-01", "zoom_phone", "voicemail", "+14155550177", 42, "Thu, 09 Jul 2026 11:45:00 -0700",
     "Zoom <no-reply@zoom.us>", "You have a new voicemail from Jane Doe (+1 415-555-0177)", {},
     "Hi Alex,\n\nYou have a new voicemail.\n\nFrom: Jane Doe (+1 415-555-0177)\nDuration: 00:42\n\n"
     "Transcription: Hi Alex, Jane here. I'd love to hear more about the staff role, call me back any time.\n\nZoom Phone\n"),
    ("call-zoom-02", "zoom_phone", "missed", "+14155550178", None, "Fri, 10 Jul 2026 16:00:00 -0700",
     "Zoom <no-reply@zoom.us>", "You have a missed call from +1 415-555-0178", {},
     "Hi Alex,\n\nYou missed a call from +1 415-555-0178 at 4:00 PM.\n\nZoom Phone\n"),
    ("call-aircall-01", "aircall", "voicemail", "+33612345678", 31, "Mon, 13 Jul 2026 10:00:00 +0200",
     "Aircall <no-reply@aircall.io>", "New voicemail from +33 6 12 34 56 78", {},
     "You received a new voicemail on Recruiting Line.\n\nCaller: +33 6 12 34 56 78\nDuration: 0:31\n\nListen in Aircall\n"),
    ("call-aircall-02", "aircall", "missed", "+442079460111", None, "Tue, 14 Jul 2026 09:30:00 +0100",
     "Aircall <no-reply@aircall.io>", "Missed call from +44 20 7946 0111", {},
     "You missed a call on Recruiting Line from +44 20 7946 0111.\n\nCall back from Aircall\n"),
    ("call-dialpad-01", "dialpad", "voicemail", "+13125550190", 18, "Wed, 15 Jul 2026 12:00:00 -0500",
     "Dialpad <notifications@dialpad.com>", "New voicemail from (312) 555-0190", {},
     "New voicemail from (312) 555-0190\nDuration: 0:18\n\nTranscript: Hey, returning your call about the job. Talk soon.\n\nOpen in Dialpad\n"),
    ("call-dialpad-02", "dialpad", "missed", "+13125550191", None, "Thu, 16 Jul 2026 12:30:00 -0500",
     "Dialpad <notifications@dialpad.com>", "Missed call from (312) 555-0191", {},
     "You missed a call from (312) 555-0191.\n\nDialpad\n"),
    ("call-3cx-01", "3cx", "voicemail", "+442079460011", 21, "Fri, 17 Jul 2026 10:00:00 +0100",
     "\"3CX Phone System\" <pbx@acme.example>", "New Voicemail from +44 20 7946 0011", {},
     "Dear Alex,\n\nYou have received a new voicemail message from +44 20 7946 0011 (Oliver Smith).\n"
     "Duration: 00:00:21\nReceived: 17/07/2026 10:00\n\nThe message is attached to this email.\n\n3CX Phone System\n"),
    ("call-3cx-02", "3cx", "missed", "+4930123456", None, "Mon, 20 Jul 2026 10:00:00 +0200",
     "\"3CX Notifications\" <noreply@3cx.net>", "Missed call from +49 30 123456", {},
     "Dear Alex,\n\nYou have missed a call from +49 30 123456 on 20/07/2026 10:00.\n\n3CX\n"),
    ("call-rc-03", "ringcentral", "voicemail", "+12065550142", 12, "Tue, 21 Jul 2026 08:00:00 -0700",
     "RingCentral <service@ringcentral.com>", "New Voice Message from (206) 555-0142", {},
     "<html><body><p>You have a new voice message:</p><p>From: (206) 555-0142<br>Length: 00:00:12</p>"
     "<p>Transcription: Calling back about the interview, thanks.</p><p>RingCentral</p></body></html>"),
]
