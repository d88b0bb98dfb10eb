-- The records schema of the release before migrations (commit cb55e17), as its
-- Database() made it on SQLite (create_all + the access_log.request_number ADD COLUMN).
-- tests/test_records_migrations.py builds a register with it and upgrades it.
CREATE TABLE users (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	password_hash VARCHAR(256) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);
CREATE TABLE requests (
	id INTEGER NOT NULL, 
	number VARCHAR(40) NOT NULL, 
	created_at DATETIME NOT NULL, 
	requester_name VARCHAR(64) NOT NULL, 
	requester_id_number VARCHAR(18) NOT NULL, 
	requester_phone VARCHAR(32) NOT NULL, 
	requester_address TEXT NOT NULL, 
	applicant_type VARCHAR(8) NOT NULL, 
	relationship VARCHAR(16) NOT NULL, 
	attorney_note TEXT NOT NULL, 
	channel VARCHAR(8) NOT NULL, 
	delegated BOOLEAN NOT NULL, 
	subject_name VARCHAR(64) NOT NULL, 
	subject_former_names VARCHAR(128) NOT NULL, 
	subject_birth_year INTEGER, 
	subject_unit VARCHAR(128) NOT NULL, 
	year_from INTEGER, 
	year_to INTEGER, 
	doc_types VARCHAR(128) NOT NULL, 
	purpose VARCHAR(16) NOT NULL, 
	detail TEXT NOT NULL, 
	receiving_archive VARCHAR(32) NOT NULL, 
	holding_archive VARCHAR(32) NOT NULL, 
	status VARCHAR(8) NOT NULL, 
	accepted_on DATE NOT NULL, 
	due_on DATE NOT NULL, 
	delivery VARCHAR(8) NOT NULL, 
	result_note TEXT NOT NULL, 
	origin_archive VARCHAR(32) NOT NULL, 
	origin_number VARCHAR(40) NOT NULL, 
	forwarded_to VARCHAR(32) NOT NULL, 
	remote_number VARCHAR(40) NOT NULL, 
	remote_status VARCHAR(8) NOT NULL, 
	remote_checked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (number)
);
CREATE TABLE api_tokens (
	id INTEGER NOT NULL, 
	peer VARCHAR(32) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	hint VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	last_used_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
);
CREATE TABLE api_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	peer VARCHAR(32) NOT NULL, 
	action VARCHAR(32) NOT NULL, 
	status INTEGER NOT NULL, 
	detail TEXT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE visits (
	id INTEGER NOT NULL, 
	number VARCHAR(32) NOT NULL, 
	requester_name VARCHAR(64) NOT NULL, 
	id_number VARCHAR(18) NOT NULL, 
	relationship VARCHAR(8) NOT NULL, 
	purpose VARCHAR(16) NOT NULL, 
	note TEXT NOT NULL, 
	staff_id INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	ended_at DATETIME, 
	outcome VARCHAR(8), 
	copied TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (number), 
	FOREIGN KEY(staff_id) REFERENCES users (id)
);
CREATE TABLE request_events (
	id INTEGER NOT NULL, 
	request_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	user_id INTEGER, 
	from_status VARCHAR(8) NOT NULL, 
	to_status VARCHAR(8) NOT NULL, 
	note TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(request_id) REFERENCES requests (id), 
	FOREIGN KEY(user_id) REFERENCES users (id)
);
CREATE TABLE request_pages (
	id INTEGER NOT NULL, 
	request_id INTEGER NOT NULL, 
	page_id INTEGER NOT NULL, 
	label VARCHAR(200) NOT NULL, 
	added_by VARCHAR(64) NOT NULL, 
	added_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(request_id) REFERENCES requests (id)
);
CREATE TABLE access_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	user_id INTEGER NOT NULL, 
	visit_id INTEGER, 
	request_number VARCHAR(40), 
	action VARCHAR(24) NOT NULL, 
	path TEXT NOT NULL, 
	page INTEGER, 
	detail TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id), 
	FOREIGN KEY(visit_id) REFERENCES visits (id)
);
