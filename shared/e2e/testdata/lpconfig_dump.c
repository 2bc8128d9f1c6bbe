/* Reads a provisioning XML document (stdin) with liblinphone's own
 * remote-provisioning loader, linphone_config_load_from_xml_string, and
 * prints what Linphone retained: one "section/key<TAB>value" line per
 * entry, with backslash, newline and tab escaped. The end-to-end
 * test TestLinphoneReadsProvisioningXML builds and runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <linphone/lpconfig.h>

static void put_escaped(const char *s) {
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default: putchar(*s);
		}
	}
}

int main(void) {
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (cap - len < 2) buf = realloc(buf, cap *= 2);
	}
	buf[len] = 0;
	LinphoneConfig *cfg = linphone_config_new(NULL);
	if (linphone_config_load_from_xml_string(cfg, buf) != 0) {
		fprintf(stderr, "linphone_config_load_from_xml_string failed\n");
		return 1;
	}
	for (bctbx_list_t *s = linphone_config_get_sections_names_list(cfg); s; s = s->next) {
		const char *section = s->data;
		for (bctbx_list_t *k = linphone_config_get_keys_names_list(cfg, section); k; k = k->next) {
			const char *key = k->data;
			put_escaped(section);
			putchar('/');
			put_escaped(key);
			putchar('\t');
			put_escaped(linphone_config_get_string(cfg, section, key, ""));
			putchar('\n');
		}
	}
	linphone_config_unref(cfg);
	return 0;
}
