// Package flexisipdb is the SQL side of the projection for Flexisip:
// FlexiAPI's `accounts`, `passwords` and `aliases` tables (upstream
// d231625, plus the nullable `accounts.phone` of Flexisip 2.5's default
// phone queries) in a MySQL or MariaDB database, written one account per
// transaction. It is the only package that speaks SQL to that database.
//
// PostgreSQL is not served: FlexiAPI's schema is MySQL's (its collation,
// ON DUPLICATE KEY, unsigned integers), and Flexisip's stock queries are
// written against it (docs/flexisip.md).
package flexisipdb

// The tables exactly as FlexiAPI d231625's migrations leave them in
// MySQL (names, columns, keys, collation), plus `phone` as FlexiAPI's
// later migration adds it (varchar(64) NULL, last). CREATE ... IF NOT
// EXISTS: on FlexiAPI's own database the tables are already there.
var createTables = []string{
	"CREATE TABLE IF NOT EXISTS `accounts` (\n" +
		"  `id` int unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `username` varchar(64) NOT NULL,\n" +
		"  `domain` varchar(64) NOT NULL,\n" +
		"  `email` varchar(64) DEFAULT NULL,\n" +
		"  `activated` tinyint(1) NOT NULL DEFAULT '0',\n" +
		"  `confirmation_key` varchar(14) DEFAULT NULL,\n" +
		"  `ip_address` varchar(39) NOT NULL,\n" +
		"  `user_agent` varchar(256) NOT NULL,\n" +
		"  `created_at` datetime NOT NULL,\n" +
		"  `expire_time` datetime DEFAULT NULL,\n" +
		"  `display_name` varchar(255) DEFAULT NULL,\n" +
		"  `dtmf_protocol` varchar(255) DEFAULT NULL,\n" +
		"  `updated_at` datetime DEFAULT NULL,\n" +
		"  `blocked` tinyint(1) NOT NULL DEFAULT '0',\n" +
		"  `phone` varchar(64) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `accounts_username_domain_unique` (`username`,`domain`),\n" +
		"  KEY `accounts_email_index` (`email`),\n" +
		"  KEY `accounts_created_at_index` (`created_at`),\n" +
		"  KEY `accounts_domain_index` (`domain`),\n" +
		"  KEY `accounts_username_index` (`username`),\n" +
		"  KEY `accounts_blocked_index` (`blocked`)\n" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",

	"CREATE TABLE IF NOT EXISTS `passwords` (\n" +
		"  `id` int unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `account_id` int unsigned NOT NULL,\n" +
		"  `password` varchar(255) NOT NULL,\n" +
		"  `algorithm` varchar(10) NOT NULL DEFAULT 'MD5',\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `passwords_account_id_algorithm_unique` (`account_id`,`algorithm`),\n" +
		"  CONSTRAINT `passwords_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE\n" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",

	"CREATE TABLE IF NOT EXISTS `aliases` (\n" +
		"  `id` bigint unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `account_id` int unsigned NOT NULL,\n" +
		"  `alias` varchar(64) NOT NULL,\n" +
		"  `domain` varchar(64) NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `aliases_alias_domain_unique` (`alias`,`domain`),\n" +
		"  KEY `aliases_account_id_foreign` (`account_id`),\n" +
		"  CONSTRAINT `aliases_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE\n" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
}

// addPhone adds `phone` to a FlexiAPI d231625 `accounts` table that lacks
// it (MySQL 8 has no ADD COLUMN IF NOT EXISTS: the caller checks first).
const addPhone = "ALTER TABLE `accounts` ADD COLUMN `phone` varchar(64) DEFAULT NULL"
