-- FlexiAPI d231625's MySQL schema: the 31 CREATE TABLE statements of
-- ../shared/spec/flexiapi-schema.md, in its order (which satisfies the foreign
-- keys). TestSchemaMatchesSpec keeps this copy equal to the spec.

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

CREATE TABLE `admins` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `admins_account_id_foreign` (`account_id`),
  CONSTRAINT `admins_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `api_keys` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `key` varchar(160) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `last_used_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `api_keys_account_id_unique` (`account_id`),
  UNIQUE KEY `api_keys_key_unique` (`key`),
  CONSTRAINT `api_keys_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `auth_tokens` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned DEFAULT NULL,
  `token` varchar(32) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `user_agent` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `auth_tokens_account_id_foreign` (`account_id`),
  CONSTRAINT `auth_tokens_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account_creation_tokens` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `token` varchar(255) NOT NULL,
  `pn_provider` varchar(255) DEFAULT NULL,
  `pn_param` varchar(255) DEFAULT NULL,
  `pn_prid` varchar(255) DEFAULT NULL,
  `used` tinyint(1) NOT NULL DEFAULT '0',
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `account_id` int unsigned DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `user_agent` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `tokens_token_index` (`token`),
  KEY `tokens_pn_provider_pn_param_pn_prid_index` (`pn_provider`,`pn_param`,`pn_prid`),
  KEY `account_creation_tokens_account_id_foreign` (`account_id`),
  CONSTRAINT `account_creation_tokens_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account_creation_request_tokens` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `token` varchar(16) NOT NULL,
  `used` tinyint(1) NOT NULL DEFAULT '0',
  `validated_at` datetime DEFAULT NULL,
  `acc_creation_token_id` bigint unsigned DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `user_agent` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `account_creation_request_tokens_acc_creation_token_id_foreign` (`acc_creation_token_id`),
  KEY `account_creation_request_tokens_token_index` (`token`),
  CONSTRAINT `account_creation_request_tokens_acc_creation_token_id_foreign` FOREIGN KEY (`acc_creation_token_id`) REFERENCES `account_creation_tokens` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `provisioning_tokens` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `token` varchar(255) DEFAULT NULL,
  `used` tinyint(1) NOT NULL DEFAULT '0',
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `user_agent` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `provisioning_tokens_account_id_foreign` (`account_id`),
  CONSTRAINT `provisioning_tokens_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `recovery_codes` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `code` varchar(255) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `user_agent` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `recovery_codes_account_id_foreign` (`account_id`),
  CONSTRAINT `recovery_codes_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `phone_change_codes` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `code` varchar(255) DEFAULT NULL,
  `phone` varchar(255) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `user_agent` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `phone_change_codes_account_id_foreign` (`account_id`),
  CONSTRAINT `phone_change_codes_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `email_change_codes` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `code` varchar(255) DEFAULT NULL,
  `email` varchar(255) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `user_agent` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `email_change_codes_account_id_foreign` (`account_id`),
  CONSTRAINT `email_change_codes_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `activation_expirations` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `expires` datetime NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `activation_expirations_account_id_foreign` (`account_id`),
  CONSTRAINT `activation_expirations_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `nonces` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `nonce` varchar(255) NOT NULL,
  `nc` int NOT NULL DEFAULT '0',
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `nonces_account_id_foreign` (`account_id`),
  CONSTRAINT `nonces_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account_types` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `key` varchar(64) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `account_types_key_unique` (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account_account_type` (
  `account_id` int unsigned NOT NULL,
  `account_type_id` int unsigned NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  UNIQUE KEY `account_account_type_account_id_account_type_id_unique` (`account_id`,`account_type_id`),
  KEY `account_account_type_account_type_id_foreign` (`account_type_id`),
  CONSTRAINT `account_account_type_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE,
  CONSTRAINT `account_account_type_account_type_id_foreign` FOREIGN KEY (`account_type_id`) REFERENCES `account_types` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account_actions` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `key` varchar(255) NOT NULL,
  `code` varchar(255) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `account_actions_account_id_foreign` (`account_id`),
  CONSTRAINT `account_actions_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `contacts` (
  `account_id` int unsigned NOT NULL,
  `contact_id` int unsigned NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  UNIQUE KEY `contacts_account_id_contact_id_unique` (`account_id`,`contact_id`),
  KEY `contacts_contact_id_foreign` (`contact_id`),
  CONSTRAINT `contacts_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE,
  CONSTRAINT `contacts_contact_id_foreign` FOREIGN KEY (`contact_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `contacts_lists` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `title` varchar(255) NOT NULL,
  `description` text NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `contacts_lists_title_unique` (`title`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account_contacts_list` (
  `account_id` int unsigned NOT NULL,
  `contacts_list_id` bigint unsigned NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  UNIQUE KEY `account_contacts_list_account_id_contacts_list_id_unique` (`account_id`,`contacts_list_id`),
  KEY `account_contacts_list_contacts_list_id_foreign` (`contacts_list_id`),
  CONSTRAINT `account_contacts_list_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE,
  CONSTRAINT `account_contacts_list_contacts_list_id_foreign` FOREIGN KEY (`contacts_list_id`) REFERENCES `contacts_lists` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `contacts_list_contact` (
  `contact_id` int unsigned NOT NULL,
  `contacts_list_id` bigint unsigned NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  UNIQUE KEY `contacts_list_contact_contact_id_contacts_list_id_unique` (`contact_id`,`contacts_list_id`),
  KEY `contacts_list_contact_contacts_list_id_foreign` (`contacts_list_id`),
  CONSTRAINT `contacts_list_contact_contact_id_foreign` FOREIGN KEY (`contact_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE,
  CONSTRAINT `contacts_list_contact_contacts_list_id_foreign` FOREIGN KEY (`contacts_list_id`) REFERENCES `contacts_lists` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account_dictionary_entries` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `key` varchar(255) NOT NULL,
  `value` varchar(255) NOT NULL,
  `account_id` int unsigned NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `account_dictionary_entries_account_id_key_unique` (`account_id`,`key`),
  KEY `account_dictionary_entries_key_index` (`key`),
  KEY `account_dictionary_entries_value_index` (`value`),
  CONSTRAINT `account_dictionary_entries_account_id_foreign` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `accounts_tombstones` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `username` varchar(64) NOT NULL,
  `domain` varchar(64) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `accounts_tombstones_username_domain_unique` (`username`,`domain`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `statistics_messages` (
  `id` varchar(64) NOT NULL,
  `from_username` varchar(256) NOT NULL,
  `from_domain` varchar(256) NOT NULL,
  `sent_at` datetime NOT NULL,
  `encrypted` tinyint(1) NOT NULL DEFAULT '0',
  `conference_id` varchar(255) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  UNIQUE KEY `statistics_messages_id_unique` (`id`),
  KEY `statistics_messages_from_username_from_domain_index` (`from_username`,`from_domain`),
  KEY `statistics_messages_sent_at_index` (`sent_at`),
  KEY `statistics_messages_from_domain_index` (`from_domain`),
  KEY `statistics_messages_from_username_index` (`from_username`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `statistics_message_devices` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `message_id` varchar(64) NOT NULL,
  `to_username` varchar(256) NOT NULL,
  `to_domain` varchar(256) NOT NULL,
  `device_id` varchar(64) NOT NULL,
  `last_status` int NOT NULL,
  `received_at` datetime NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `statistics_message_devices_message_id_to_u_to_d_device_id_unique` (`message_id`,`to_username`,`to_domain`,`device_id`),
  KEY `statistics_message_devices_to_domain_index` (`to_domain`),
  KEY `statistics_message_devices_to_username_index` (`to_username`),
  CONSTRAINT `statistics_message_devices_message_id_foreign` FOREIGN KEY (`message_id`) REFERENCES `statistics_messages` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `statistics_calls` (
  `id` varchar(64) NOT NULL,
  `from_username` varchar(256) NOT NULL,
  `from_domain` varchar(256) NOT NULL,
  `to_username` varchar(256) NOT NULL,
  `to_domain` varchar(256) NOT NULL,
  `initiated_at` datetime NOT NULL,
  `ended_at` datetime DEFAULT NULL,
  `conference_id` varchar(255) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  UNIQUE KEY `statistics_calls_id_unique` (`id`),
  KEY `statistics_calls_from_username_from_domain_index` (`from_username`,`from_domain`),
  KEY `statistics_calls_initiated_at_index` (`initiated_at`),
  KEY `statistics_calls_from_domain_index` (`from_domain`),
  KEY `statistics_calls_from_username_index` (`from_username`),
  KEY `statistics_calls_to_domain_index` (`to_domain`),
  KEY `statistics_calls_to_username_index` (`to_username`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `statistics_call_devices` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `call_id` varchar(64) NOT NULL,
  `device_id` varchar(64) NOT NULL,
  `rang_at` datetime DEFAULT NULL,
  `invite_terminated_at` datetime DEFAULT NULL,
  `invite_terminated_state` varchar(255) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `statistics_call_devices_call_id_device_id_unique` (`call_id`,`device_id`),
  CONSTRAINT `statistics_call_devices_call_id_foreign` FOREIGN KEY (`call_id`) REFERENCES `statistics_calls` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `migrations` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `migration` varchar(255) NOT NULL,
  `batch` int NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `users` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `name` varchar(255) NOT NULL,
  `email` varchar(160) NOT NULL,
  `email_verified_at` timestamp NULL DEFAULT NULL,
  `password` varchar(255) NOT NULL,
  `remember_token` varchar(100) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `users_email_unique` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `password_resets` (
  `email` varchar(255) NOT NULL,
  `token` varchar(255) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  KEY `password_resets_email_index` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `failed_jobs` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `connection` text NOT NULL,
  `queue` text NOT NULL,
  `payload` longtext NOT NULL,
  `exception` longtext NOT NULL,
  `failed_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

