# The two commands of the README, and their companions. Everything runs on 127.0.0.1.
.PHONY: up down status reset test unit install services cluster cluster-down cluster-status cluster-check lighthouse

up:        ## install, start services, load the plan, serve CKAN at http://127.0.0.1:5000
	bash scripts/portal.sh up
test:      ## run the whole test suite against real PostgreSQL, Solr and Redis
	bash scripts/test.sh
unit:      ## run the pure tests only: no service, no CKAN app (seconds)
	bash scripts/unit.sh
down:      ## stop CKAN and the services (data kept)
	bash scripts/portal.sh down
status:    ## what runs, where, and its memory
	bash scripts/portal.sh status
reset:     ## stop everything and delete all portal data
	bash scripts/portal.sh reset
install:   ## only install packages and the Python environment
	bash scripts/install.sh
services:  ## only start PostgreSQL, Redis and Solr
	bash scripts/services.sh start
cluster:   ## the production topology on 127.0.0.1: nginx :5100, two CKAN web nodes, Solr leader and follower, job worker
	bash scripts/cluster.sh up
cluster-down:    ## stop everything make cluster started
	bash scripts/cluster.sh down
cluster-status:  ## what the cluster runs, where, and its memory
	bash scripts/cluster.sh status
cluster-check:   ## make cluster, then a staff flow across nodes and killed nodes under load (one-line summary)
	bash scripts/cluster.sh up
	.venv/bin/python tests/cluster/check.py
lighthouse:      ## Lighthouse (phone) audit of the running portal's plan pages; fails below the targets
	bash scripts/lighthouse.sh check
