//go:build integration

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lpconfigDump builds testdata/lpconfig_dump.c against the system
// liblinphone (the Makefile installs liblinphone-dev for the Linphone 5.1
// client harness) and returns its path.
func lpconfigDump(t *testing.T) string {
	t.Helper()
	flags, err := exec.Command("pkg-config", "--cflags", "--libs", "linphone", "bctoolbox").Output()
	if err != nil {
		t.Fatalf("pkg-config linphone bctoolbox: %v (`make test` installs liblinphone-dev and pkg-config)", err)
	}
	bin := filepath.Join(t.TempDir(), "lpconfig-dump")
	args := append([]string{"-o", bin, "testdata/lpconfig_dump.c", "-llinphone"}, strings.Fields(string(flags))...)
	if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("cc lpconfig_dump.c: %v\n%s", err, out)
	}
	return bin
}

// TestLinphoneReadsProvisioningXML: liblinphone's own remote-provisioning
// loader (linphone_config_load_from_xml_string, what the app runs on the
// downloaded document) reads our XML, escapes included, into the values
// we meant.
func TestLinphoneReadsProvisioningXML(t *testing.T) {
	dump := lpconfigDump(t)
	rc := filepath.Join(t.TempDir(), "linphonerc")
	if err := os.WriteFile(rc, []byte("[sip]\nreg_proxy=<sip:proxy.example.org;transport=tls>\n[app]\nnote=Tom & Jerry \"ü\" <b>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, map[string]string{"ACCOUNT_PROVISIONING_RC_FILE": rc, "APP_URL": "https://flexiapi.example.com"})
	acc, _ := e.userAccount(`{"username":"linprov","password":"123456","algorithm":"SHA-256","display_name":"Tom & Jerry <\"Ünï\" O'Reily> 東京"}`)
	r := e.provision("/provisioning/"+acc["provisioning_token"].(string), nil)
	expectXML(t, r)
	cmd := exec.Command(dump)
	cmd.Stdin = strings.NewReader(r.Body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("liblinphone refused the document: %v\n%s\n%s", err, out, r.Body)
	}
	// The dump escapes backslashes: `\\"` is the SIP quoted-pair `\"`.
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("dump line %q", line)
		}
		got[k] = v
	}
	a := e.storedAccount(acc["id"])
	want := map[string]string{
		"sip/reg_proxy":            "<sip:proxy.example.org;transport=tls>",
		"app/note":                 `Tom & Jerry "ü" <b>`,
		"misc/contacts-vcard-list": "https://flexiapi.example.com/contacts/vcard",
		"proxy_0/reg_identity":     `"Tom & Jerry <\\"Ünï\\" O'Reily> 東京" <sip:linprov@` + domain + `>`,
		"auth_info_0/username":     "linprov",
		"auth_info_0/domain":       domain,
		"auth_info_0/ha1":          a.Passwords["SHA-256"],
		"auth_info_0/realm":        domain,
		"auth_info_0/algorithm":    "SHA-256",
		// liblinphone's own addition when it loads a proxy_0 section.
		"sip/default_proxy": "0",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Linphone read %s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Linphone read %d entries, want %d: %v", len(got), len(want), got)
	}
}

// belcardDump builds testdata/belcard_dump.cpp against the system belcard
// (liblinphone's vCard 4 parser) and returns its path.
func belcardDump(t *testing.T) string {
	t.Helper()
	flags, err := exec.Command("pkg-config", "--cflags", "--libs", "belcard", "belr", "bctoolbox").Output()
	if err != nil {
		t.Fatalf("pkg-config belcard belr bctoolbox: %v (`make test` installs liblinphone-dev and pkg-config)", err)
	}
	bin := filepath.Join(t.TempDir(), "belcard-dump")
	args := append([]string{"-std=c++17", "-o", bin, "testdata/belcard_dump.cpp"}, strings.Fields(string(flags))...)
	if out, err := exec.Command("c++", args...).CombinedOutput(); err != nil {
		t.Fatalf("c++ belcard_dump.cpp: %v\n%s", err, out)
	}
	return bin
}

// TestLinphoneReadsVCards: belcard, the parser Linphone reads
// /contacts/vcard with, accepts our cards. It needs RFC 6350's format: it
// refuses LF line endings and an unescaped comma in FN, both of which
// FlexiAPI sends. belcard keeps text values as written (escapes included),
// so the values are compared in their RFC 6350 form.
func TestLinphoneReadsVCards(t *testing.T) {
	dump := belcardDump(t)
	e := newEnv(t, nil)
	viewer := e.newAccount("belcardview", "secret", "SHA-256", false)
	r := e.create(`{"username":"belcard1","password":"123456","algorithm":"SHA-256","dtmf_protocol":"sipinfo","display_name":"Martin, Alice; back\\slash\nÉlodie"}`)
	expect(t, r, 200)
	contact := fmt.Sprint(r.JSON(t)["id"])
	r = e.create(`{"username":"belcard2","password":"123456","algorithm":"SHA-256"}`)
	expect(t, r, 200)
	plain := fmt.Sprint(r.JSON(t)["id"])
	r = e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, r, 201)
	expect(t, e.asAdmin("POST", "/api/accounts/"+contact+"/types/"+fmt.Sprint(r.JSON(t)["id"]), ""), 200)
	expect(t, e.asAdmin("POST", "/api/accounts/"+contact+"/actions", `{"key":"open","code":"1234"}`), 201)
	for _, id := range []string{contact, plain} {
		expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/contacts/%s", viewer.ID, id), ""), 200)
	}
	r = e.withKey(viewer.Key, "GET", "/contacts/vcard", "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	cmd := exec.Command(dump)
	cmd.Stdin = strings.NewReader(r.Body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("belcard refused the cards: %v\n%s\n%q", err, out, r.Body)
	}
	// The dump escapes backslashes once more; belcard keeps VERSION apart.
	want := "CARD\n" +
		`FN` + "\t" + `Martin\\, Alice; back\\\\slash\\nÉlodie` + "\n" +
		"IMPP\tsip:belcard1@" + domain + "\n" +
		"KIND\tindividual\n" +
		"X-LINPHONE-ACCOUNT-ACTION\topen;1234\n" +
		"X-LINPHONE-ACCOUNT-DTMF-PROTOCOL\tsipinfo\n" +
		"X-LINPHONE-ACCOUNT-TYPE\tphone\n" +
		"CARD\n" +
		"FN\tbelcard2@" + domain + "\n" +
		"IMPP\tsip:belcard2@" + domain + "\n" +
		"KIND\tindividual\n"
	if string(out) != want {
		t.Fatalf("belcard read:\n%s\nwant:\n%s", out, want)
	}
}
