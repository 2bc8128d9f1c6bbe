-- FlexiAPI d231625's accounts, passwords and aliases tables (MySQL 8 syntax),
-- as its migrations leave them: the schema the projection must match.
CREATE TABLE `accounts` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `username` varchar(64) NOT NULL,
  `domain` varchar(64) NOT NULL,
  `email` varchar(64) DEFAULT NULL,
  `activated` tinyint(1) NOT NULL DEFAULT '0',
  `confirmation_key` varchar(14) DEFAULT NULL,
  `ip_address` varchar(39) NOT NULL,
  `user_agent` varchar(256) NOT NULL,
  `created_at` datetime NOT NULL,
  `expire_time` datetime DEFAULT NULL,
  `display_name` varchar(255) DEFAULT NULL,
  `dtmf_protocol` varchar(255) DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `blocked` tinyint(1) NOT NULL DEFAULT '0',
  PRIMARY KEY (`id`),
  UNIQUE KEY `accounts_username_domain_unique` (`username`,`domain`),
  KEY `accounts_email_index` (`email`),
  KEY `accounts_created_at_index` (`created_at`),
  KEY `accounts_domain_index` (`domain`),
  KEY `accounts_username_index` (`username`),
  KEY `accounts_blocked_index` (`blocked`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `passwords` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `password` varchar(255) NOT NULL,
  `algorithm` varchar(10) NOT NULL DEFAULT 'MD5',
  PRIMARY KEY (`id`),
  UNIQUE KEY `passwords_account_id_algorithm_unique` (`account_id`,`algorithm`),
  CONSTRAINT `passwords_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `aliases` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `alias` varchar(64) NOT NULL,
  `domain` varchar(64) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `aliases_alias_domain_unique` (`alias`,`domain`),
  KEY `aliases_account_id_foreign` (`account_id`),
  CONSTRAINT `aliases_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
