package splicewatch.lib_test

import data.splicewatch.lib

test_user_limit_from_event if {
	lib.user_limit({"args": {"user_limit": 72057594037923840}}) == lib.task_size_max_5level
}

test_user_limit_default if {
	lib.user_limit({"args": {}}) == lib.task_size_max_4level
}

test_user_range if {
	lib.user_range(4096, 4096, lib.task_size_max_4level)
	not lib.user_range(4096, lib.max_rw_count, lib.task_size_max_4level)
	not lib.user_range(lib.task_size_max_4level - 1, 2, lib.task_size_max_4level)
}

test_has_flag if {
	lib.has_flag({"args": {"flag_names": ["SPLICE_F_GIFT"]}}, "SPLICE_F_GIFT")
	not lib.has_flag({"args": {"flag_names": []}}, "SPLICE_F_GIFT")
}

test_setting if {
	lib.setting("x", 1) == 2 with data.splicewatch.config as {"x": 2}
	lib.setting("y", 1) == 1 with data.splicewatch.config as {"x": 2}
}

test_exempt_by_comm if {
	lib.exempt({"process": {"comm": "criu"}}, "r") with data.splicewatch.config as {"r_allowed_comms": ["criu"]}
	not lib.exempt({"process": {"comm": "criu"}}, "r") with data.splicewatch.config as {"other_allowed_comms": ["criu"]}
	not lib.exempt({"process": {"comm": "criu"}}, "r")
}

test_exempt_by_exe if {
	ev := {"process": {"comm": "x", "exe": "/usr/local/bin/backup"}}
	lib.exempt(ev, "r") with data.splicewatch.config as {"r_allowed_exes": ["/usr/local/bin/*"]}
	lib.exempt(ev, "r") with data.splicewatch.config as {"r_allowed_exes": ["/usr/**"]}
	not lib.exempt(ev, "r") with data.splicewatch.config as {"r_allowed_exes": ["/usr/*"]}
	not lib.exempt({"process": {"comm": "x"}}, "r") with data.splicewatch.config as {"r_allowed_exes": ["/usr/**"]}
}
