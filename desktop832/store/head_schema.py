"""The schema a new data file is made with, as the migrations make it, kept as its SQL so a new
file (``load``, a clerk's first start) is made without importing Alembic (half a second).

``STATEMENTS`` are the ``sqlite_master`` definitions of a file the migrations brought to
``REVISION``, in the order SQLite holds them; ``Store.open`` runs them (and records the revision
as Alembic does) only while ``REVISION`` is ``schema.HEAD_REVISION``, and lets Alembic make the
file otherwise. A test holds a file made either way identical. After adding a migration, write
this module again from it::

    python -m desktop832.store.make_head_schema
"""

from __future__ import annotations

REVISION = "0006"

STATEMENTS = (
    'CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)',
    "CREATE TABLE unit_profile (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(200) NOT NULL, \n\tcredit_code VARCHAR(40) NOT NULL, \n\tlevel VARCHAR(10) NOT NULL, \n\tdirectly_affiliated BOOLEAN NOT NULL, \n\tprovince VARCHAR(40) NOT NULL, \n\tcity VARCHAR(40) NOT NULL, \n\tsupervising_department VARCHAR(200) NOT NULL, \n\tcontact_name VARCHAR(100) NOT NULL, \n\tphone VARCHAR(40) NOT NULL, \n\tcanteen_mode VARCHAR(10) NOT NULL, \n\tcontractor_name VARCHAR(200) NOT NULL, \n\tcontract_states_policy BOOLEAN NOT NULL, \n\texecuting_purchaser VARCHAR(200) NOT NULL, \n\tpurchaser_account_open BOOLEAN NOT NULL, \n\trepresentative_name VARCHAR(200) NOT NULL, \n\trepresentative_code VARCHAR(40) NOT NULL, \n\tis_representative BOOLEAN NOT NULL, \n\tmeal_arrangement TEXT NOT NULL, \n\thas_union_funds BOOLEAN NOT NULL, \n\tunion_members INTEGER, \n\temployees INTEGER, \n\tperson_in_charge VARCHAR(100) NOT NULL, county VARCHAR(40) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id)\n)",
    'CREATE TABLE annual_plan (\n\tyear INTEGER NOT NULL, \n\tpolicy_id VARCHAR(100) NOT NULL, \n\tcanteen_total INTEGER, \n\treserve_ratio INTEGER, \n\treserve_amount INTEGER, \n\treserve_basis VARCHAR(10) NOT NULL, \n\tlast_year_amount INTEGER, \n\tlast_year_ratio INTEGER, \n\tdrop_explanation TEXT NOT NULL, \n\twelfare_total INTEGER, \n\tunion_farm_total INTEGER, \n\tunion_reserve INTEGER, \n\tfiling_status VARCHAR(20) NOT NULL, \n\tfiled_on DATE, \n\tsupervisor_confirmed_on DATE, \n\tfinance_confirmed_on DATE, \n\tletter_sent BOOLEAN NOT NULL, \n\tnote TEXT NOT NULL, union_funds_total INTEGER, last_year_union_reserve INTEGER, \n\tPRIMARY KEY (year)\n)',
    "CREATE TABLE purchase (\n\tid INTEGER NOT NULL, \n\tyear INTEGER NOT NULL, \n\tdate DATE NOT NULL, \n\tamount INTEGER NOT NULL, \n\torder_no VARCHAR(100) NOT NULL, \n\tsupplier VARCHAR(200) NOT NULL, \n\tdescription VARCHAR(500) NOT NULL, \n\tpurpose VARCHAR(20) NOT NULL, \n\tchannel VARCHAR(20) NOT NULL, \n\tstate VARCHAR(10) NOT NULL, \n\tpaid_on DATE, \n\tevaluated BOOLEAN NOT NULL, \n\tnote TEXT NOT NULL, delivered_on DATE, refunded INTEGER DEFAULT '0' NOT NULL, hand_edited VARCHAR(200) DEFAULT '' NOT NULL, invoice_no VARCHAR(100) DEFAULT '' NOT NULL, fee_source VARCHAR(10) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id)\n)",
    'CREATE INDEX ix_purchase_year_date ON purchase (year, date)',
    'CREATE INDEX ix_purchase_order_no ON purchase (order_no)',
    'CREATE TABLE setting (\n\t"key" VARCHAR(100) NOT NULL, \n\tvalue TEXT NOT NULL, \n\tPRIMARY KEY ("key")\n)',
    'CREATE TABLE filing_event (\n\tid INTEGER NOT NULL, \n\tyear INTEGER NOT NULL, \n\tkind VARCHAR(20) NOT NULL, \n\tevent_date DATE NOT NULL, \n\trecorded_at DATETIME NOT NULL, \n\tfingerprint VARCHAR(64) NOT NULL, \n\tfile_name VARCHAR(260) NOT NULL, \n\tsnapshot TEXT NOT NULL, \n\treason VARCHAR(500) NOT NULL, \n\tPRIMARY KEY (id)\n)',
    'CREATE INDEX ix_filing_event_year ON filing_event (year, id)',
    'CREATE INDEX ix_purchase_year_purpose_date ON purchase (year, purpose, date)',
    'CREATE INDEX ix_purchase_year_amount ON purchase (year, amount, date)',
    'CREATE INDEX ix_purchase_unpaid ON purchase (year, date) WHERE paid_on IS NULL',
    "CREATE TABLE purchase_bin (\n\tbatch INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tyear INTEGER NOT NULL, \n\tdate TEXT NOT NULL, \n\tamount INTEGER NOT NULL, \n\torder_no TEXT NOT NULL, \n\tsupplier TEXT NOT NULL, \n\tdescription TEXT NOT NULL, \n\tpurpose TEXT NOT NULL, \n\tchannel TEXT NOT NULL, \n\tstate TEXT NOT NULL, \n\tpaid_on TEXT, \n\tevaluated INTEGER NOT NULL, \n\tnote TEXT NOT NULL, \n\tdelivered_on TEXT, \n\trefunded INTEGER NOT NULL, \n\thand_edited TEXT NOT NULL, invoice_no TEXT DEFAULT '' NOT NULL, fee_source TEXT DEFAULT '' NOT NULL, \n\tPRIMARY KEY (batch, id)\n)",
    'CREATE INDEX ix_purchase_year_state ON purchase (year, state)',
    'CREATE TABLE blob (\n\tsha256 VARCHAR(64) NOT NULL, \n\tsize INTEGER NOT NULL, \n\tmedia_type VARCHAR(40) NOT NULL, \n\tfile_name VARCHAR(260) NOT NULL, \n\tdata BLOB NOT NULL, \n\tPRIMARY KEY (sha256)\n)',
    'CREATE TABLE purchase_attachment (\n\tid INTEGER NOT NULL, \n\tpurchase_id INTEGER NOT NULL, \n\tsha256 VARCHAR(64) NOT NULL, \n\tfile_name VARCHAR(260) NOT NULL, \n\tadded_on DATE NOT NULL, \n\tkind VARCHAR(20) NOT NULL, \n\tPRIMARY KEY (id)\n)',
    'CREATE INDEX ix_purchase_attachment_purchase ON purchase_attachment (purchase_id)',
    'CREATE INDEX ix_purchase_attachment_sha256 ON purchase_attachment (sha256)',
    'CREATE TABLE filing_attachment (\n\tid INTEGER NOT NULL, \n\tyear INTEGER NOT NULL, \n\tsha256 VARCHAR(64) NOT NULL, \n\tfile_name VARCHAR(260) NOT NULL, \n\tadded_on DATE NOT NULL, \n\tkind VARCHAR(20) NOT NULL, \n\tPRIMARY KEY (id)\n)',
    'CREATE INDEX ix_filing_attachment_year ON filing_attachment (year)',
    'CREATE INDEX ix_filing_attachment_sha256 ON filing_attachment (sha256)',
)
