package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/sportello/sportello/internal/auth"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
)

func runUser(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdio.Out, "Usage: sportello user add|list|disable [flags]\n\n  add      create an operator account and print its one-time password\n  list     list accounts\n  disable  disable an account and end its sessions\n")
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, stdio, args[1:])
	case "list":
		return runUserList(ctx, stdio, args[1:])
	case "disable":
		return runUserDisable(ctx, stdio, args[1:])
	}
	return usageError(stdio, "user", "unknown subcommand %q (add, list, disable)", args[0])
}

func runUserAdd(ctx context.Context, stdio Stdio, args []string) int {
	cfg := config.Default()
	fs := newFlags("user add", "user add --username NAME [--role operator|admin] [--name \"Full Name\"] [--password-stdin]", stdio)
	dbFlags(fs, &cfg)
	username := fs.String("username", "", "login name (required)")
	role := fs.String("role", "operator", "admin or operator")
	name := fs.String("name", "", "display name")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin instead of generating one")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	u := &model.User{Username: strings.ToLower(*username), DisplayName: *name, Role: model.Role(*role)}
	if err := u.Validate(); err != nil {
		return usageError(stdio, "user add", "%s", model.ErrorMessage(err))
	}
	pw := auth.RandomPassword()
	if *pwStdin {
		line, err := bufio.NewReader(stdio.In).ReadString('\n')
		pw = strings.TrimRight(line, "\r\n")
		if (err != nil && pw == "") || len(pw) < 12 {
			return usageError(stdio, "user add", "password from stdin must be at least 12 characters")
		}
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello user add: %v\n", err)
		return ExitFail
	}
	u.PasswordHash = hash
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello user add: %v\n", err)
		return ExitFail
	}
	defer st.Close()
	if err := st.CreateUser(ctx, u); err != nil {
		fmt.Fprintf(stdio.Err, "sportello user add: %s\n", model.ErrorMessage(err))
		return ExitFail
	}
	if err := st.Audit(ctx, &model.AuditEntry{Actor: "cli", Action: "user.create", Object: fmt.Sprintf("user:%d", u.ID), Detail: "role=" + string(u.Role)}); err != nil {
		fmt.Fprintf(stdio.Err, "sportello user add: %v\n", err)
		return ExitFail
	}
	if *pwStdin {
		fmt.Fprintf(stdio.Out, "created %s (%s)\n", u.Username, u.Role)
	} else {
		fmt.Fprintf(stdio.Out, "created %s (%s); one-time password: %s\n", u.Username, u.Role, pw)
	}
	return ExitOK
}

func runUserList(ctx context.Context, stdio Stdio, args []string) int {
	cfg := config.Default()
	fs := newFlags("user list", "user list", stdio)
	dbFlags(fs, &cfg)
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello user list: %v\n", err)
		return ExitFail
	}
	defer st.Close()
	users, err := st.ListUsers(ctx)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello user list: %v\n", err)
		return ExitFail
	}
	tw := tabwriter.NewWriter(stdio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSERNAME\tROLE\tSTATUS\tNAME")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, status, u.DisplayName)
	}
	tw.Flush()
	return ExitOK
}

func runUserDisable(ctx context.Context, stdio Stdio, args []string) int {
	cfg := config.Default()
	fs := newFlags("user disable", "user disable --username NAME", stdio)
	dbFlags(fs, &cfg)
	username := fs.String("username", "", "login name (required)")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	if *username == "" {
		return usageError(stdio, "user disable", "--username is required")
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello user disable: %v\n", err)
		return ExitFail
	}
	defer st.Close()
	u, err := st.UserByUsername(ctx, strings.ToLower(*username))
	if err == nil {
		err = st.SetUserDisabled(ctx, u.ID, true)
	}
	if err == nil {
		err = st.Audit(ctx, &model.AuditEntry{Actor: "cli", Action: "user.disable", Object: fmt.Sprintf("user:%d", u.ID)})
	}
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello user disable: %s\n", model.ErrorMessage(err))
		return ExitFail
	}
	fmt.Fprintf(stdio.Out, "disabled %s\n", u.Username)
	return ExitOK
}
