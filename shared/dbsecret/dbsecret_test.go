package dbsecret

import (
	"strings"
	"testing"
)

func TestFromSecretString(t *testing.T) {
	for in, want := range map[string]string{
		"mysql://u:p@h:3306/db": "mysql://u:p@h:3306/db",
		`{"engine":"mysql","host":"db.internal","port":3307,"username":"flexisip","password":"p@ss:w/rd","dbname":"flexisip"}`: "mysql://flexisip:p%40ss%3Aw%2Frd@db.internal:3307/flexisip",
		`{"host":"h","username":"u","password":"p","dbname":"d"}`:                                                              "mysql://u:p@h:3306/d",
		`{"host":"h","port":"3310","username":"u","password":"p","dbname":"d"}`:                                                "mysql://u:p@h:3310/d",
	} {
		got, err := FromSecretString(in)
		if err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"hunter2", `{"engine":"postgres","host":"h","username":"u","password":"hunter2","dbname":"d"}`, `{"password":"hunter2"}`} {
		_, err := FromSecretString(in)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v", in, err)
		}
	}
}
